/**
 * Softmax and log-softmax as Java UDF classes, and logsumexp as Java UDAF classes, for PySpark's
 * {@code spark.udf.registerJavaFunction(name, className, returnType)} (or
 * {@code spark.udf().registerJava} from the JVM) where the SQL functions of
 * {@link io.github.sparksoftmax.sql.SoftmaxFunctions} cannot be registered.
 *
 * <p>A Java UDF has one fixed argument type and one fixed return type, so there is one class per
 * logits type, function and arity: {@code <Type><Function>[WithTemperature]}.
 *
 * <table>
 *   <caption>Classes, argument types and return types</caption>
 *   <tr><th>logits column</th><th>classes</th><th>return type (PySpark)</th></tr>
 *   <tr><td>{@code vector}</td>
 *       <td>{@code VectorSoftmax}, {@code VectorLogSoftmax}</td>
 *       <td>{@code pyspark.ml.linalg.VectorUDT()}</td></tr>
 *   <tr><td>{@code array<double>}</td>
 *       <td>{@code DoubleArraySoftmax}, {@code DoubleArrayLogSoftmax}</td>
 *       <td>{@code ArrayType(DoubleType())}</td></tr>
 *   <tr><td>{@code array<float>}</td>
 *       <td>{@code FloatArraySoftmax}, {@code FloatArrayLogSoftmax}</td>
 *       <td>{@code ArrayType(FloatType())}</td></tr>
 * </table>
 *
 * <p>Each has a {@code ...WithTemperature} twin that takes the temperature as a second argument
 * (any number, finite and positive). The return type may be omitted: Spark infers it from the
 * class. The semantics are those of the SQL functions: a null row gives null, a row with a NaN or
 * null entry or whose entries are all {@code -Infinity} gives a row of NaN, an empty row gives an
 * empty row, and a vector of either kind gives a dense vector. Unlike the SQL functions, a UDF
 * sees its arguments only as rows are computed, so a bad temperature fails the query then.
 *
 * <p>The {@code logsumexp} aggregate comes as two Java UDAF classes, for PySpark's
 * {@code spark.udf.registerJavaUDAF(name, className)}: {@code LogSumExpOfScores} ({@code
 * logsumexp(score)}) and {@code LogSumExpOfScoresWithTemperature} ({@code logsumexp(score,
 * temperature)}, the temperature the same on every row of a group). Both keep the SQL function's
 * accuracy and semantics: nulls ignored, null for a group of no rows or only nulls, NaN with a
 * NaN, {@code +Infinity} with a {@code +Infinity}. They go through Spark's {@code Row}
 * conversions, so they are slower than the SQL function, which needs no registration.
 */
package io.github.sparksoftmax.sql.udf;
