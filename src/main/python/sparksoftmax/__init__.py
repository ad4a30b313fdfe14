"""spark-softmax for PySpark: exact, fast softmax stages and SQL column functions.

The package ships inside the spark-softmax jar, so ``--jars`` and ``--packages`` put it on the
Python path. Every name here works on a classic session and on a Spark Connect session whose
server has the jar on its classpath.
"""

from sparksoftmax.functions import log_softmax, logsumexp, softmax
from sparksoftmax.stages import (
    CalibrationEvaluator,
    SoftmaxCalibrator,
    SoftmaxCalibratorModel,
    SoftmaxTransformer,
)

__all__ = [
    "CalibrationEvaluator",
    "SoftmaxCalibrator",
    "SoftmaxCalibratorModel",
    "SoftmaxTransformer",
    "log_softmax",
    "logsumexp",
    "softmax",
]
