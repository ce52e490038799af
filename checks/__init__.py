"""The scorecard's criteria: importing this package registers every criterion, in rubric order."""

# isort: off  (the import order is the rubric order)
from checks import (  # noqa: F401  (imported to register each criterion)
    code_available,
    license_check,
    environment,
    training_code,
    evaluation_code,
    weights_released,
    data_released,
    documentation,
    versioned_release,
    link_health,
)
# isort: on
from checks.base import CRITERIA, CriterionDefinition, Finding, LinkFacts, Outcome, PaperFacts

__all__ = ["CRITERIA", "CriterionDefinition", "Finding", "LinkFacts", "Outcome", "PaperFacts"]
