"""The error a policy file (or folder) raises; its schema checks live in ``backend.yamlfile``."""

from __future__ import annotations

from backend.errors import InputError
from backend.yamlfile.report import summary


class PolicyError(InputError):
    """A policy file (or folder) that cannot be used; ``problems`` lists everything found."""

    code = "bad_policy"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(summary(problems))
        self.problems = problems
