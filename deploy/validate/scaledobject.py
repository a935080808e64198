"""Validates KEDA ScaledObjects (a CRD, which kubernetes-validate has no schema for) against
cloudcoil-models-keda, strictly: pydantic strict mode (no type coercion: trigger metadata values
must be strings, counts integers), plus a round trip that rejects any field the model does not
know (the models ignore unknown fields by default), plus the kafka trigger's metadata keys.

Usage: python scaledobject.py FILE...   Exits 1 on the first invalid file.
"""
import sys

import yaml
from cloudcoil.models.keda.v1alpha1 import ScaledObject
from pydantic import ValidationError

# Kafka scaler metadata (KEDA docs, scalers/apache-kafka); *FromEnv variants are accepted too.
KAFKA_KEYS = {
    "bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold",
    "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag", "scaleToZeroOnInvalidOffset",
    "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "partitionLimitation",
    "version", "sasl", "saslTokenProvider", "tls", "unsafeSsl", "awsRegion", "awsEndpoint",
}
KAFKA_REQUIRED = {"bootstrapServers", "consumerGroup"}


def unknown_fields(given, dumped, path=""):
    """Paths present in the input but lost in the model's dump."""
    if isinstance(given, dict):
        lost = []
        for key, value in given.items():
            if not isinstance(dumped, dict) or key not in dumped:
                lost.append(f"{path}.{key}".lstrip("."))
            else:
                lost += unknown_fields(value, dumped[key], f"{path}.{key}")
        return lost
    if isinstance(given, list):
        return [p for i, v in enumerate(given) for p in unknown_fields(v, dumped[i], f"{path}[{i}]")]
    return []


def kafka_problems(trigger):
    meta = trigger.metadata
    problems = [f"unknown kafka metadata key {k}" for k in meta if k not in KAFKA_KEYS and not (k.endswith("FromEnv") and k[:-7] in KAFKA_KEYS)]
    problems += [f"missing {k}" for k in KAFKA_REQUIRED if k not in meta and k + "FromEnv" not in meta]
    for key in ("lagThreshold", "activationLagThreshold"):
        if key in meta and not meta[key].isdigit():
            problems.append(f"{key} must be a whole number, got {meta[key]!r}")
    for key in ("allowIdleConsumers", "limitToPartitionsWithLag", "excludePersistentLag", "scaleToZeroOnInvalidOffset"):
        if key in meta and meta[key] not in ("true", "false"):
            problems.append(f"{key} must be \"true\" or \"false\", got {meta[key]!r}")
    if meta.get("limitToPartitionsWithLag") == "true":
        if meta.get("allowIdleConsumers") == "true":
            problems.append("limitToPartitionsWithLag needs allowIdleConsumers false")
        if "topic" not in meta:
            problems.append("limitToPartitionsWithLag needs a topic")
    return problems


def validate(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    objects = [d for d in docs if d.get("kind") == "ScaledObject"]
    if not objects:
        return [f"{path}: no ScaledObject"]
    problems = []
    for doc in objects:
        try:
            model = ScaledObject.model_validate(doc, strict=True)
        except ValidationError as error:
            problems.append(f"{path}: {error}")
            continue
        dumped = model.model_dump(by_alias=True, exclude_unset=True, mode="json")
        problems += [f"{path}: unknown field {p}" for p in unknown_fields(doc, dumped)]
        spec = model.spec
        if spec.max_replica_count is not None and spec.min_replica_count is not None and spec.min_replica_count > spec.max_replica_count:
            problems.append(f"{path}: minReplicaCount > maxReplicaCount")
        for trigger in spec.triggers:
            if trigger.type == "kafka":
                problems += [f"{path}: trigger {trigger.name or 'kafka'}: {p}" for p in kafka_problems(trigger)]
    return problems


if __name__ == "__main__":
    all_problems = [p for f in sys.argv[1:] for p in validate(f)]
    for p in all_problems:
        print(p)
    print(f"cloudcoil-models-keda (strict): {len(sys.argv) - 1} file(s), "
          + ("OK" if not all_problems else f"{len(all_problems)} problem(s)"))
    sys.exit(1 if all_problems else 0)
