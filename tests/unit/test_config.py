from pathlib import Path

import pytest

from backend import create_app
from backend.errors import ConfigError


def test_when_no_settings_then_embedded_defaults_under_data_dir(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'precedent.db'}"
    assert app.config["INDEX_PATH"] == str(tmp_path / "index")
    assert app.config["BROKER_URL"] == "filesystem://"


def test_when_environment_sets_a_value_then_it_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRECEDENT_RETRIEVE_DOCS", "7")
    assert create_app().config["RETRIEVE_DOCS"] == 7


def test_when_a_setting_is_misspelt_then_the_error_names_it_and_the_closest_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRECEDENT_BROKER_ULR", "redis://x")
    with pytest.raises(ConfigError) as error:
        create_app()
    assert error.value.message == (
        "unknown setting PRECEDENT_BROKER_ULR. Did you mean PRECEDENT_BROKER_URL?"
    )


def test_when_an_unknown_setting_is_close_to_none_then_the_valid_ones_are_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRECEDENT_COLOUR", "blue")
    with pytest.raises(ConfigError) as error:
        create_app()
    assert error.value.message.startswith(
        "unknown setting PRECEDENT_COLOUR. Valid settings are: PRECEDENT_PROFILE, "
    )


def test_when_a_number_is_not_a_number_then_the_error_names_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRECEDENT_DRAFT_LEASE_SECONDS", "soon")
    with pytest.raises(ConfigError) as error:
        create_app()
    assert error.value.message == "PRECEDENT_DRAFT_LEASE_SECONDS must be a whole number, got 'soon'"


def test_when_a_lease_is_zero_then_start_up_fails() -> None:
    with pytest.raises(ConfigError, match="PRECEDENT_DRAFT_LEASE_SECONDS must be at least 1"):
        create_app({"DRAFT_LEASE_SECONDS": 0})


def test_when_the_escalation_group_or_address_is_wrong_then_start_up_fails_naming_it(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match="PRECEDENT_ESCALATION_GROUP must be the helpdesk's"):
        create_app({"ESCALATION_GROUP": "Tier 2"})
    with pytest.raises(ConfigError, match="PRECEDENT_ESCALATION_EMAIL must be an address"):
        create_app({"ESCALATION_EMAIL": "tier2 team"})
    right = {"ESCALATION_GROUP": "360001", "ESCALATION_EMAIL": "t2@example.com"}
    assert create_app({"DATA_DIR": str(tmp_path), **right}).config["ESCALATION_GROUP"] == "360001"


def test_when_an_implementation_is_unknown_then_the_valid_ones_are_listed() -> None:
    from backend.registry import Registry

    registry: Registry[object] = Registry("drafter", {"offline": "backend.drafting.offline"})
    with pytest.raises(ConfigError) as error:
        registry.get("gpt")
    assert error.value.message == "unknown drafter 'gpt'. Valid choices are: offline"


def test_when_a_required_policy_domain_is_unknown_then_start_up_names_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as error:
        create_app({"REQUIRED_POLICIES": "legal, legl"})
    assert error.value.message.startswith(
        "PRECEDENT_REQUIRED_POLICIES: unknown domain 'legl'. Valid domains are: financial, "
    )


def test_when_required_policies_are_set_then_each_domain_is_read_once() -> None:
    from backend.gate.status import required_policies

    assert required_policies({"REQUIRED_POLICIES": " legal,medical,,legal "}) == (
        "legal",
        "medical",
    )
    assert required_policies(create_app().config) == ("financial", "insurance", "legal", "medical")
