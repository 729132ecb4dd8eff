"""Every public collection in tests/fixtures/realworld loads, and the loaded shapes match what its README says."""

from __future__ import annotations

from pathlib import Path

import pytest

from rqrun.formats import load_collection, load_data, load_environments
from rqrun.model import Collection

REALWORLD = Path(__file__).resolve().parents[2] / "fixtures" / "realworld"

# file -> requests the README counts in it
COLLECTIONS = {
    "wise-payouts.postman_collection.json": 33,
    "wise-connected-apps-balance.postman_collection.json": 14,
    "brightspace-notification-settings.postman_collection.json": 18,
    "brightspace-test-data-setup.postman_collection.json": 47,
    "adyen-capital-v1.postman_collection.json": 12,
    "postman-codegen-newman-basic.postman_collection.json": 14,
    "postman-codegen-sample.postman_collection.json": 27,
    "k6-github-graphql.postman_collection.json": 1,
    "k6-format-v2.1.postman_collection.json": 3,
    "requestly-sample-collections.json": 8,
    "requestly-sample-collections-graphql.json": 11,
    # issue 14: postmanlabs/newman's integration suite and postman-code-generators' Newman fixtures
    "newman-custom-http-method.postman_collection.json": 3,
    "newman-disabled-and-duplicates.postman_collection.json": 1,
    "newman-distinct-random-int.postman_collection.json": 2,
    "newman-dynamic-var-replacement.postman_collection.json": 1,
    "newman-echo-v2.postman_collection.json": 22,
    "newman-esc-formdata.postman_collection.json": 1,
    "newman-hawk-auth-test.postman_collection.json": 1,
    "newman-head-requests.postman_collection.json": 3,
    "newman-helper.postman_collection.json": 3,
    "newman-inherited-entities.postman_collection.json": 8,
    "newman-multi-level-folders-v2.postman_collection.json": 6,
    "newman-multiple-form-values.postman_collection.json": 3,
    "newman-oauth1-var-in-url-params.postman_collection.json": 1,
    "newman-protocol-profile-behavior.postman_collection.json": 8,
    "newman-request-body-with-get.postman_collection.json": 3,
    "newman-semicolon-tests.postman_collection.json": 1,
    "newman-slashed-variable-names.postman_collection.json": 1,
    "newman-v2-regression-tests.postman_collection.json": 3,
    "newman-var-replacement.postman_collection.json": 1,
    "newman-whatwg-url.postman_collection.json": 26,
    "postman-codegen-formdataCollection.postman_collection.json": 1,
    "postman-codegen-formdataFileCollection.postman_collection.json": 2,
    "postman-codegen-queryParamsCollection.postman_collection.json": 1,
    "postman-codegen-rawBody.postman_collection.json": 1,
    "postman-codegen-sameNameHeadersCollection.postman_collection.json": 1,
    "postman-codegen-unsupportedMethods.postman_collection.json": 7,
}


def _files() -> list[Path]:
    """The inputs themselves: not the README or the licence texts beside them."""
    files = sorted(p for p in REALWORLD.glob("*") if p.suffix in {".json", ".csv"})
    assert len(files) == 39, f"{REALWORLD} should hold the 39 files its README lists"
    return files


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_realworld__every_file_loads(path: Path) -> None:
    """Whatever the file is, its loader accepts it."""
    if path.suffix == ".csv":
        assert load_data(path)
    elif "environment" in path.name:
        assert load_environments(path)
    elif path.suffix == ".json":
        collection = load_collection(path)
        assert isinstance(collection, Collection)
        if path.name in COLLECTIONS:
            assert sum(1 for _ in collection.walk()) == COLLECTIONS[path.name]


def test_realworld__adyen_inherits_collection_apikey() -> None:
    c = load_collection(REALWORLD / "adyen-capital-v1.postman_collection.json")
    assert c.auth.type == "apikey" and c.auth.params["in"] == "header"
    assert c.auth.params["key"] == "X-API-Key"
    assert all(r.auth.type == "inherit" for _, r in c.walk())
    empty_path_vars = [pv for _, r in c.walk() for pv in r.path_variables if pv.value == ""]
    assert len(empty_path_vars) == 10


def test_realworld__k6_folder_digest_and_schemeless_urls() -> None:
    c = load_collection(REALWORLD / "k6-format-v2.1.postman_collection.json")
    chains = {r.name: (chain, r) for chain, r in c.walk()}
    chain, request = chains["Test Request 2"]
    assert [f.auth.type for f in chain] == ["none", "digest", "inherit"]
    assert request.url == "2.example.com"
    _, first = chains["Test Request 1"]
    assert first.url == "1.example.com" and [(q.key, q.value) for q in first.query] == [("search", "kittens")]


def test_realworld__codegen_sample_keeps_unusual_methods() -> None:
    c = load_collection(REALWORLD / "postman-codegen-sample.postman_collection.json")
    methods = {r.method for _, r in c.walk()}
    assert {"COPY", "LINK", "UNLINK", "LOCK", "UNLOCK", "PROPFIND", "PURGE", "OPTIONS"} <= methods


def test_realworld__requestly_graphql_records() -> None:
    c = load_collection(REALWORLD / "requestly-sample-collections-graphql.json")
    gql = [r for _, r in c.walk() if r.kind == "graphql"]
    assert len(gql) == 3
    assert all(r.method == "POST" and r.body.mode == "graphql" and r.body.graphql for r in gql)


def test_realworld__wise_csv_rows() -> None:
    rows = load_data(REALWORLD / "wise-connected-apps.data.csv")
    assert len(rows) == 3 and len(rows[0]) == 18
    assert rows[0]["amount"] == "2.00"  # kept as written: typing it would send "2.0"
