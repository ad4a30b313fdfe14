"""Prints, as JSON, the params that the Python wrappers of the library declare.

Run by PythonWrappersTest (no PySpark needed: the wrappers' source is parsed, not imported):

    python3 wrapper_params.py path/to/sparksoftmax/stages.py

For each class with a ``_java_class_name``: its Java class, its ``pyspark.ml`` base, the
keywords of its ``__init__``, and each param (its own or a base class's in the module) with its
type converter, its default (from the ``self._setDefault(...)`` calls of the ``__init__``
methods) and, for a converter ``_one_of(CONSTANT)``, the allowed values. Also the module's
``LARGER_IS_BETTER``.
"""

import ast
import json
import sys


def main(path):
    with open(path, encoding="utf-8") as source:
        module = ast.parse(source.read(), path)
    constants = {}
    classes = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = node
    wrappers = {}
    for name, node in classes.items():
        java = class_constant(node, "_java_class_name")
        if java is None:
            continue
        chain = lineage(node, classes)
        wrappers[name] = {
            "java": java,
            "base": [base.id for base in node.bases if isinstance(base, ast.Name)][0],
            "keywords": init_keywords(node),
            "params": params(chain, constants),
        }
    print(json.dumps({"classes": wrappers, "largerIsBetter": constants["LARGER_IS_BETTER"]}))


def class_constant(node, name):
    for statement in node.body:
        if (isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == name):
            return ast.literal_eval(statement.value)
    return None


def lineage(node, classes):
    """The class and its bases defined in the module, nearest first."""
    chain = [node]
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in classes:
            chain.extend(c for c in lineage(classes[base.id], classes) if c not in chain)
    return chain


def init_keywords(node):
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
            keywords = [arg.arg for arg in statement.args.kwonlyargs]
            return keywords if keywords else None
    return None


def params(chain, constants):
    declared = {}
    for node in chain:
        for statement in node.body:
            value = getattr(statement, "value", None)
            if (isinstance(statement, ast.Assign) and isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name) and value.func.id == "Param"):
                name = ast.literal_eval(value.args[1])
                if name not in declared:
                    declared[name] = converter(value, constants)
    for node in reversed(chain):
        for default in set_defaults(node):
            for keyword in default.keywords:
                declared[keyword.arg]["default"] = ast.literal_eval(keyword.value)
    return declared


def converter(param, constants):
    for keyword in param.keywords:
        if keyword.arg != "typeConverter":
            continue
        value = keyword.value
        if isinstance(value, ast.Attribute):
            return {"converter": value.attr}
        if isinstance(value, ast.Call) and value.func.id == "_one_of":
            return {"converter": "oneOf", "allowed": list(constants[value.args[0].id])}
    return {"converter": None}


def set_defaults(node):
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
            for call in ast.walk(statement):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "_setDefault"):
                    yield call


if __name__ == "__main__":
    main(sys.argv[1])
