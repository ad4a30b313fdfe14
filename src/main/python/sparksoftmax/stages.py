"""``pyspark.ml`` wrappers of the library's stages, for classic and Spark Connect sessions.

Each wrapper names its Java class in ``_java_class_name`` and declares the Java stage's params
under the same names, with the same defaults and allowed values (a test of the library holds
them equal). On a classic session a wrapper drives a JVM object through Py4J; on a Spark Connect
session PySpark sends the class name, the uid and the params that were set to the server, which
makes the stage from the jar's service files.
"""

import re

from pyspark import keyword_only
from pyspark.ml.evaluation import JavaEvaluator
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.wrapper import JavaEstimator, JavaModel, JavaTransformer
from pyspark.ml.util import JavaMLWritable

from sparksoftmax._readers import JavaNameReadable

#: What ``handleInvalid`` accepts.
HANDLE_INVALID = ("error", "skip", "keep")
#: The metrics of :class:`CalibrationEvaluator`.
METRICS = ("logLoss", "brier", "ece", "accuracy")
#: The metrics of :class:`CalibrationEvaluator` for which larger is better.
LARGER_IS_BETTER = ("accuracy",)

#: How a fitted stage's ``toString`` gives its temperature (see ``SoftmaxTransformer.toString``).
_FITTED_TEMPERATURE = re.compile(r"temperature=(\S+)$")


def _one_of(allowed):
    """A type converter to a string that must be one of ``allowed``. It raises TypeError, which
    PySpark reports as an invalid value of the param, naming it."""

    def convert(value):
        value = TypeConverters.toString(value)
        if value not in allowed:
            raise TypeError("%r is not one of %s" % (value, ", ".join(allowed)))
        return value

    return convert


class _OutputParams(Params):
    """The params of the softmax stage that its calibrator also has and hands to it."""

    inputCol = Param(
        Params._dummy(),
        "inputCol",
        "input column of logits: vector, array<double> or array<float>",
        typeConverter=TypeConverters.toString,
    )
    outputCol = Param(
        Params._dummy(),
        "outputCol",
        "output column of probabilities (or log-probabilities)",
        typeConverter=TypeConverters.toString,
    )
    logSoftmax = Param(
        Params._dummy(),
        "logSoftmax",
        "output log-probabilities instead of probabilities",
        typeConverter=TypeConverters.toBoolean,
    )
    handleInvalid = Param(
        Params._dummy(),
        "handleInvalid",
        "what to do with a row on which softmax is undefined (null, a NaN or null entry, every"
        " entry -Infinity): 'error', 'skip' or 'keep'",
        typeConverter=_one_of(HANDLE_INVALID),
    )
    predictionCol = Param(
        Params._dummy(),
        "predictionCol",
        "if not empty, a double column with the index of the largest probability",
        typeConverter=TypeConverters.toString,
    )
    topK = Param(
        Params._dummy(),
        "topK",
        "if > 0, output only the topK largest probabilities as a sparse vector; 0 outputs all",
        typeConverter=TypeConverters.toInt,
    )

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(
            inputCol="logits",
            outputCol="probability",
            logSoftmax=False,
            handleInvalid="error",
            predictionCol="",
            topK=0,
        )

    def getInputCol(self):
        return self.getOrDefault(self.inputCol)

    def getOutputCol(self):
        return self.getOrDefault(self.outputCol)

    def getLogSoftmax(self):
        return self.getOrDefault(self.logSoftmax)

    def getHandleInvalid(self):
        return self.getOrDefault(self.handleInvalid)

    def getPredictionCol(self):
        return self.getOrDefault(self.predictionCol)

    def getTopK(self):
        return self.getOrDefault(self.topK)

    def setInputCol(self, value):
        return self._set(inputCol=value)

    def setOutputCol(self, value):
        return self._set(outputCol=value)

    def setLogSoftmax(self, value):
        return self._set(logSoftmax=value)

    def setHandleInvalid(self, value):
        return self._set(handleInvalid=value)

    def setPredictionCol(self, value):
        return self._set(predictionCol=value)

    def setTopK(self, value):
        return self._set(topK=value)


class _SoftmaxParams(_OutputParams):
    """The params of the softmax stage."""

    temperature = Param(
        Params._dummy(),
        "temperature",
        "the logits are divided by this temperature before softmax; finite and > 0",
        typeConverter=TypeConverters.toFloat,
    )
    groupCol = Param(
        Params._dummy(),
        "groupCol",
        "if not empty, long-format input: inputCol holds a numeric score per row, the rows with"
        " equal values of this column form a group, and outputCol is each row's probability"
        " within its group",
        typeConverter=TypeConverters.toString,
    )

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(temperature=1.0, groupCol="")

    def getTemperature(self):
        return self.getOrDefault(self.temperature)

    def setTemperature(self, value):
        return self._set(temperature=value)

    def getGroupCol(self):
        return self.getOrDefault(self.groupCol)

    def setGroupCol(self, value):
        return self._set(groupCol=value)


class SoftmaxTransformer(JavaTransformer, _SoftmaxParams, JavaNameReadable, JavaMLWritable):
    """Turns a column of logits into class probabilities: ``softmax(x / temperature)``; with
    ``groupCol``, a numeric score per row into each row's probability within its group.

    >>> SoftmaxTransformer(inputCol="logits", temperature=1.5).transform(df)  # doctest: +SKIP
    >>> SoftmaxTransformer(inputCol="score", groupCol="query").transform(df)  # doctest: +SKIP
    """

    _java_class_name = "io.github.sparksoftmax.SoftmaxTransformer"

    @keyword_only
    def __init__(
        self,
        *,
        inputCol=None,
        outputCol=None,
        temperature=None,
        logSoftmax=None,
        handleInvalid=None,
        predictionCol=None,
        topK=None,
        groupCol=None,
    ):
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class_name, self.uid)
        self._set(**self._input_kwargs)

    @keyword_only
    def setParams(
        self,
        *,
        inputCol=None,
        outputCol=None,
        temperature=None,
        logSoftmax=None,
        handleInvalid=None,
        predictionCol=None,
        topK=None,
        groupCol=None,
    ):
        return self._set(**self._input_kwargs)


class SoftmaxCalibratorModel(JavaModel, _SoftmaxParams, JavaNameReadable, JavaMLWritable):
    """The softmax stage that :class:`SoftmaxCalibrator` fits (a ``SoftmaxTransformer`` in
    the JVM), with the fitted temperature and the calibrator's output params."""

    _java_class_name = "io.github.sparksoftmax.SoftmaxTransformer"


class _LabelParams(Params):
    """The label column, of the calibrator and of the evaluator."""

    labelCol = Param(
        Params._dummy(),
        "labelCol",
        "label column: the class index, of a numeric type",
        typeConverter=TypeConverters.toString,
    )

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(labelCol="label")

    def getLabelCol(self):
        return self.getOrDefault(self.labelCol)

    def setLabelCol(self, value):
        return self._set(labelCol=value)


class _CalibratorParams(_OutputParams, _LabelParams):
    """The params of the calibrator."""

    weightCol = Param(
        Params._dummy(),
        "weightCol",
        "if not empty, a numeric column of row weights, finite and >= 0",
        typeConverter=TypeConverters.toString,
    )
    maxIter = Param(
        Params._dummy(),
        "maxIter",
        "maximum number of passes over the data (>= 1)",
        typeConverter=TypeConverters.toInt,
    )
    tol = Param(
        Params._dummy(),
        "tol",
        "stop when the next step would change log T, or lower the mean NLL, by at most tol",
        typeConverter=TypeConverters.toFloat,
    )

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(weightCol="", maxIter=100, tol=1e-6)

    def getWeightCol(self):
        return self.getOrDefault(self.weightCol)

    def getMaxIter(self):
        return self.getOrDefault(self.maxIter)

    def getTol(self):
        return self.getOrDefault(self.tol)

    def setWeightCol(self, value):
        return self._set(weightCol=value)

    def setMaxIter(self, value):
        return self._set(maxIter=value)

    def setTol(self, value):
        return self._set(tol=value)


class SoftmaxCalibrator(JavaEstimator, _CalibratorParams, JavaNameReadable, JavaMLWritable):
    """Fits the temperature of a softmax stage by temperature scaling (the temperature that
    minimises the mean negative log-likelihood of the labels) and returns the fitted stage, a
    :class:`SoftmaxCalibratorModel` whose ``getTemperature()`` is the fitted temperature."""

    _java_class_name = "io.github.sparksoftmax.SoftmaxCalibrator"

    @keyword_only
    def __init__(
        self,
        *,
        inputCol=None,
        labelCol=None,
        weightCol=None,
        maxIter=None,
        tol=None,
        outputCol=None,
        logSoftmax=None,
        handleInvalid=None,
        predictionCol=None,
        topK=None,
    ):
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class_name, self.uid)
        self._set(**self._input_kwargs)

    @keyword_only
    def setParams(
        self,
        *,
        inputCol=None,
        labelCol=None,
        weightCol=None,
        maxIter=None,
        tol=None,
        outputCol=None,
        logSoftmax=None,
        handleInvalid=None,
        predictionCol=None,
        topK=None,
    ):
        return self._set(**self._input_kwargs)

    def _create_model(self, java_model):
        return SoftmaxCalibratorModel(java_model)

    def _fit(self, dataset):
        model = super()._fit(dataset)
        # The fitted temperature is no param of the calibrator, so copying the calibrator's
        # values leaves the model's at its default. A Spark Connect server lets a client call
        # only toString on a library's model, so the temperature is read from there, in either
        # mode; it is exact (Java writes it as text that reads back to the same double).
        described = _FITTED_TEMPERATURE.search(model._call_java("toString"))
        return model._set(temperature=float(described.group(1)))


class CalibrationEvaluator(JavaEvaluator, _LabelParams, JavaNameReadable, JavaMLWritable):
    """How well class probabilities are calibrated: ``logLoss`` (the default), ``brier``,
    ``ece`` (expected calibration error over ``numBins`` bins) or ``accuracy``."""

    _java_class_name = "io.github.sparksoftmax.CalibrationEvaluator"

    probabilityCol = Param(
        Params._dummy(),
        "probabilityCol",
        "column of class probabilities: vector, array<double> or array<float>",
        typeConverter=TypeConverters.toString,
    )
    metricName = Param(
        Params._dummy(),
        "metricName",
        "metric: logLoss, brier, ece (expected calibration error) or accuracy",
        typeConverter=_one_of(METRICS),
    )
    numBins = Param(
        Params._dummy(),
        "numBins",
        "number of equal-width confidence bins of the expected calibration error (>= 1)",
        typeConverter=TypeConverters.toInt,
    )

    @keyword_only
    def __init__(self, *, probabilityCol=None, labelCol=None, metricName=None, numBins=None):
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class_name, self.uid)
        self._setDefault(probabilityCol="probability", metricName="logLoss", numBins=15)
        self._set(**self._input_kwargs)

    @keyword_only
    def setParams(self, *, probabilityCol=None, labelCol=None, metricName=None, numBins=None):
        return self._set(**self._input_kwargs)

    def isLargerBetter(self):
        # Decided here, not by the JVM object, which a Spark Connect client does not have.
        return self.getMetricName() in LARGER_IS_BETTER

    def getProbabilityCol(self):
        return self.getOrDefault(self.probabilityCol)

    def getMetricName(self):
        return self.getOrDefault(self.metricName)

    def getNumBins(self):
        return self.getOrDefault(self.numBins)

    def setProbabilityCol(self, value):
        return self._set(probabilityCol=value)

    def setMetricName(self, value):
        return self._set(metricName=value)

    def setNumBins(self, value):
        return self._set(numBins=value)
