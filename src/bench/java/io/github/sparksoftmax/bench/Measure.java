package io.github.sparksoftmax.bench;

/**
 * What the Spark benchmark measures of each run. The two CPU measures differ in who pays for
 * garbage: a task's CPU time counts only its own thread, while the JVM's counts every thread of
 * the single {@code local[2]} JVM, so also the collector threads that reclaim what a contender
 * allocated per row. Both leave out other processes on the machine, which wall-clock time does not.
 */
enum Measure {
  /** Wall-clock seconds from the write's start to its end. */
  WALL("wall"),
  /** The executor CPU time of the run's tasks, as Spark's task metrics report it. */
  TASK_CPU("task CPU"),
  /** The CPU time of every thread of the JVM over the run: tasks, collector, compiler, Spark. */
  JVM_CPU("JVM CPU");

  /** The measure's name, as the goals print it. */
  final String label;
  /** Its column heading in the tables, in seconds. */
  final String heading;

  Measure(String label) {
    this.label = label;
    this.heading = label + " s";
  }
}
