"""Which keys a new-files sensor watches: literal prefix, recursive, globs relative to the prefix,
case-insensitive suffixes, and the listing prefix the globs narrow to."""

from __future__ import annotations

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.filters import KeyFilter


def test_no_filters_matches_every_file_recursively_but_not_folder_markers() -> None:
    f = KeyFilter.of("b", "ctr/prod/")
    assert f.matches("ctr/prod/a.csv")
    assert f.matches("ctr/prod/2026/03/01/deep.parquet")
    assert not f.matches("ctr/prod/2026/")  # a console "folder"
    assert not f.matches("ctr/other/a.csv")
    assert f.listing_prefix == "ctr/prod/"


def test_prefix_is_literal_like_s3() -> None:
    f = KeyFilter.of("b", "ctr/prod")
    assert f.matches("ctr/prod/a.csv") and f.matches("ctr/production/a.csv")


def test_patterns_apply_to_the_key_relative_to_the_prefix() -> None:
    f = KeyFilter.of("b", "p/", patterns=["*.parquet", "2026/*/*.csv"])
    assert f.matches("p/x.parquet") and f.matches("p/a/b/x.parquet")  # fnmatch: * crosses /
    assert f.matches("p/2026/03/x.csv")
    assert not f.matches("p/2025/03/x.csv")
    assert not f.matches("p/x.PARQUET")  # globs are case-sensitive, like keys
    assert f.listing_prefix == "p/"  # no shared literal head


def test_patterns_narrow_the_listing_prefix_to_their_shared_literal_head() -> None:
    f = KeyFilter.of("b", "p/", patterns=["2026/03/*.csv", "2026/04/?.csv", "2026/0[5-6]/*"])
    assert f.listing_prefix == "p/2026/0"


def test_suffixes_are_case_insensitive_and_combine_with_patterns() -> None:
    f = KeyFilter.of("b", "p/", patterns=["2026/*"], suffixes=[".parquet", ".CSV"])
    assert f.matches("p/2026/a.PARQUET") and f.matches("p/2026/a.csv")
    assert not f.matches("p/2026/a.json")
    assert not f.matches("p/2025/a.csv")


def test_a_single_string_is_one_pattern() -> None:
    assert KeyFilter.of("b", "", patterns="*.csv").patterns == ("*.csv",)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", "p/"), "bucket"),
        (("s3://b", "p/"), "bucket"),
        (("b", "s3://b/p/"), "prefix"),
        (("b", 3), "prefix"),
        (("b", "p/", [""]), "patterns"),
        (("b", "p/", None, [1]), "suffixes"),
    ],
)
def test_bad_inputs_name_the_field(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(ArizeConfigError) as info:
        KeyFilter.of(*args)
    assert info.value.field == field
