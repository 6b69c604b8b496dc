"""What depends on the Region: partitions and their names, which features each partition documents, and the refusal
of a template that uses a feature where it is not documented."""

from .availability import FEATURES, Feature
from .features import check_regions_support, deployable_regions, features_used
from .partitions import LINT_REGIONS, PARTITIONS, check_regions, endpoint_prefix, partition_of

__all__ = [
    "FEATURES",
    "LINT_REGIONS",
    "PARTITIONS",
    "Feature",
    "check_regions",
    "check_regions_support",
    "deployable_regions",
    "endpoint_prefix",
    "features_used",
    "partition_of",
]
