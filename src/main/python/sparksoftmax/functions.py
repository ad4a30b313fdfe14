"""The SQL functions ``softmax``, ``log_softmax`` and ``logsumexp`` as DataFrame column functions.

They call the functions that the library's jar registers in every session (classic or Spark
Connect) by name, so they need nothing but the jar on the driver's (or server's) classpath.
"""

from pyspark.sql import Column
from pyspark.sql import functions as F


def softmax(col, temperature=None):
    """The softmax of each row of logits: ``exp(x_i / t) / sum_j exp(x_j / t)``.

    ``col`` is a vector, ``array<double>`` or ``array<float>`` column (or its name); the result
    has the same type (a dense vector for any vector). ``temperature`` is a positive, finite
    number or a column of them; 1 if omitted. A null row gives null; a row with a NaN or null
    entry, or whose entries are all -Infinity, gives a row of NaN.
    """
    return _call("softmax", col, temperature)


def log_softmax(col, temperature=None):
    """The log-softmax of each row of logits, computed without taking the log of a probability.

    Arguments and results as for :func:`softmax`.
    """
    return _call("log_softmax", col, temperature)


def logsumexp(col, temperature=None):
    """The log-sum-exp of a numeric column over a group or window frame: ``log(sum_i exp(x_i /
    t))``, an aggregate for ``groupBy(...).agg(...)`` or ``.over(window)``.

    ``temperature`` is a positive, finite number; 1 if omitted. Nulls are ignored and an empty
    or all-null group gives null; a NaN gives NaN; -Infinity adds nothing; +Infinity gives
    +Infinity.
    """
    return _call("logsumexp", col, temperature)


def _call(function, col, temperature):
    arguments = [col if isinstance(col, Column) else F.col(col)]
    if temperature is not None:
        arguments.append(
            temperature if isinstance(temperature, Column) else F.lit(float(temperature))
        )
    return F.call_function(function, *arguments)
