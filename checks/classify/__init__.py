"""Classify raw repository facts (file trees, READMEs, licences) by documented rules."""

from checks.classify.files import AssetInventory, FileInventory, classify_assets, classify_paths
from checks.classify.licenses import (
    COPYLEFT,
    CUSTOM,
    LICENSE_CLASSES,
    NON_COMMERCIAL,
    NONE,
    PERMISSIVE,
    is_open_data_license,
    is_osi_approved,
    license_class,
    license_credit,
)
from checks.classify.readme import README_FACT_KEYS, analyse_readme, promises_code

__all__ = [
    "COPYLEFT",
    "CUSTOM",
    "LICENSE_CLASSES",
    "NONE",
    "NON_COMMERCIAL",
    "PERMISSIVE",
    "README_FACT_KEYS",
    "AssetInventory",
    "FileInventory",
    "analyse_readme",
    "classify_assets",
    "classify_paths",
    "is_open_data_license",
    "is_osi_approved",
    "license_class",
    "license_credit",
    "promises_code",
]
