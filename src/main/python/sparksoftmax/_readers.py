"""Loading the wrappers of :mod:`sparksoftmax.stages`, on classic and Spark Connect sessions.

PySpark's own readers find a stage's Java class from its Python module (``pyspark.ml.feature``
becomes ``org.apache.spark.ml.feature``), which fits Spark's stages only; these readers use the
``_java_class_name`` of each wrapper instead.
"""

from pyspark.ml.util import JavaMLReadable, JavaMLReader, MLReader
from pyspark.ml.wrapper import JavaEstimator, JavaModel
from pyspark.ml.evaluation import JavaEvaluator
from pyspark.sql.utils import is_remote


class JavaNameReadable(JavaMLReadable):
    """Mixin of a wrapper whose Java class is its ``_java_class_name``: ``load(path)`` reads a
    stage that the JVM or Python saved there, on a classic or a Spark Connect session."""

    @classmethod
    def read(cls):
        return _RemoteReader(cls) if is_remote() else _ClassicReader(cls)

    @classmethod
    def _from_java(cls, java_stage):
        stage = cls()
        stage._java_obj = java_stage
        stage._resetUid(java_stage.uid())
        stage._transfer_params_from_java()
        return stage


class _ClassicReader(JavaMLReader):
    """Loads through the JVM class's static ``read()``, as PySpark does for its own stages."""

    @classmethod
    def _java_loader_class(cls, clazz):
        return clazz._java_class_name


class _RemoteReader(MLReader):
    """Sends the ``MlCommand.Read`` that PySpark sends for its own stages, with the wrapper's
    Java class name; a model stays in the server's model cache, the wrapper refers to it."""

    def __init__(self, clazz):
        super().__init__()
        self._clazz = clazz

    def load(self, path):
        import pyspark.sql.connect.proto as pb2
        from pyspark.ml.connect.serialize import deserialize, deserialize_param
        from pyspark.ml.util import RemoteModelRef
        from pyspark.sql.connect.session import SparkSession

        session = SparkSession.getActiveSession()
        command = pb2.Command()
        command.ml_command.read.CopyFrom(
            pb2.MlCommand.Read(
                operator=pb2.MlOperator(
                    name=self._clazz._java_class_name, type=_operator_type(self._clazz)
                ),
                path=path,
            )
        )
        (_, properties, _) = session.client.execute_command(command)
        loaded = deserialize(properties)
        if issubclass(self._clazz, JavaModel):
            stage = self._clazz(RemoteModelRef(loaded.obj_ref.id))
        else:
            stage = self._clazz()
        stage._resetUid(loaded.uid)
        params = loaded.params.params
        stage._set(**{name: deserialize_param(value) for name, value in params.items()})
        return stage


def _operator_type(clazz):
    import pyspark.sql.connect.proto as pb2

    if issubclass(clazz, JavaModel):
        return pb2.MlOperator.OPERATOR_TYPE_MODEL
    if issubclass(clazz, JavaEstimator):
        return pb2.MlOperator.OPERATOR_TYPE_ESTIMATOR
    if issubclass(clazz, JavaEvaluator):
        return pb2.MlOperator.OPERATOR_TYPE_EVALUATOR
    return pb2.MlOperator.OPERATOR_TYPE_TRANSFORMER
