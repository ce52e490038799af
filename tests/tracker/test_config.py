"""Settings resolution: defaults < file < environment < flags; strict keys and types."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tracker.config import Settings, apply_mapping, as_dict, load_settings
from tracker.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def test_the_example_file_shows_every_setting_with_its_default() -> None:
    data = tomllib.loads(EXAMPLE.read_text())
    assert data == as_dict(Settings())
    loaded = Settings()
    apply_mapping(loaded, data, where=str(EXAMPLE))
    assert loaded == Settings()


def test_file_then_environment_then_flag(tmp_path: Path) -> None:
    config = tmp_path / "rt.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///from-file.db"\n[github]\napi_url = "http://file"\n'
        "[http]\ntimeout = 5\n"
    )
    env = {"GITHUB_API_URL": "http://env"}

    from_file = load_settings(config, env={})
    from_env = load_settings(config, env=env)
    from_flag = load_settings(config, env=env, database_url="sqlite:///flag.db")

    assert from_file.github.api_url == "http://file"
    assert from_file.http.timeout == 5.0  # an int is accepted where a float is expected
    assert from_env.github.api_url == "http://env"
    assert from_env.database.url == "sqlite:///from-file.db"
    assert from_flag.database.url == "sqlite:///flag.db"


def test_reprotrack_config_and_the_default_file_name(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reprotrack.toml").write_text('[osf]\napi_url = "http://default-file"\n')
    other = tmp_path / "other.toml"
    other.write_text('[osf]\napi_url = "http://named"\n')

    assert load_settings(env={}).osf.api_url == "http://default-file"
    assert load_settings(env={"REPROTRACK_CONFIG": str(other)}).osf.api_url == "http://named"


def test_an_unknown_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    config = tmp_path / "rt.toml"
    config.write_text('[github]\napi_ulr = "x"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env={})
    assert str(config) in str(caught.value) and "github.api_ulr" in str(caught.value)


def test_an_unknown_section_and_a_wrong_type_are_errors(tmp_path: Path) -> None:
    config = tmp_path / "rt.toml"
    config.write_text("[githib]\n")
    with pytest.raises(ConfigError, match=r"\[githib\]: unknown section"):
        load_settings(config, env={})
    config.write_text('[http]\ntimeout = "fast"\n')
    with pytest.raises(ConfigError, match=r"http.timeout.*expected float"):
        load_settings(config, env={})
    config.write_text("[http]\nmax_retries = true\n")
    with pytest.raises(ConfigError, match="http.max_retries"):
        load_settings(config, env={})


def test_invalid_toml_and_a_missing_file_are_errors(tmp_path: Path) -> None:
    config = tmp_path / "rt.toml"
    config.write_text("[http\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config, env={})
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "absent.toml", env={})


def test_tokens_never_show_in_a_repr_or_a_dump() -> None:
    settings = load_settings(env={"GITHUB_TOKEN": "ghp_secret123", "HF_TOKEN": "hf_secret456"})
    assert settings.github.token == "ghp_secret123"  # what the client is given
    shown = repr(settings) + str(as_dict(settings))
    assert "secret" not in shown


def test_weights_that_do_not_sum_to_one_are_refused_with_the_file(tmp_path: Path) -> None:
    config = tmp_path / "rt.toml"
    weights = dict(Settings().scoring.weights, license=0.05)
    config.write_text("[scoring.weights]\n" + "".join(f"{k} = {v}\n" for k, v in weights.items()))
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env={})
    assert str(config) in str(caught.value) and "sum to 0.9" in str(caught.value)


def test_custom_weights_are_read(tmp_path: Path) -> None:
    config = tmp_path / "rt.toml"
    weights = dict(Settings().scoring.weights, license=0.05, code_available=0.35)
    config.write_text("[scoring.weights]\n" + "".join(f"{k} = {v}\n" for k, v in weights.items()))
    assert load_settings(config, env={}).scoring.weights["code_available"] == 0.35
