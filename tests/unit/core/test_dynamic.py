"""Every Postman dynamic variable renders, in the shape Newman sends, reproducibly when seeded."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from rqrun import dynamic
from rqrun.variables import Renderer, Scopes

_WORD = r"[A-Za-z][A-Za-z'-]*"
_JS_DATE = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT\+0000 \(Coordinated Universal Time\)"
_IMAGE = r"http://placeimg\.com/640/480"

#: The shape of each name's value (Postman's own examples fit them), all 118 names Postman defines.
SHAPES: dict[str, str] = {
    "guid": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "randomUUID": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "timestamp": r"\d{10}",
    "isoTimestamp": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
    "randomInt": r"\d{1,4}",
    "randomPhoneNumber": r"\d{3}-\d{3}-\d{4}",
    "randomPhoneNumberExt": r"\d{2}-\d{3}-\d{3}-\d{4}",
    "randomLocale": r"[a-z]{2,3}",
    "randomWords": rf"{_WORD}( {_WORD})+",
    "randomFilePath": r"(/[\w.-]+)+\.\w+",
    "randomDirectoryPath": r"(/[\w.-]+)+",
    "randomCity": r"[A-Z][\w .'-]+",
    "randomStreetName": r"[A-Z][\w .'-]+",
    "randomStreetAddress": r"\d+ [A-Z][\w .'-]+",
    "randomCountry": r"[A-Z][^\n]+",
    "randomCountryCode": r"[A-Z]{2}",
    "randomLatitude": r"-?\d{1,2}\.\d{4}",
    "randomLongitude": r"-?\d{1,3}\.\d{4}",
    "randomColor": r"[a-z]+",
    "randomDepartment": r"[A-Z][a-z]+",
    "randomProductName": r"[A-Z]\w+ [A-Z]\w+ [A-Z]\w+",
    "randomProductAdjective": r"[A-Z][a-z]+",
    "randomProductMaterial": r"[A-Z][a-z]+",
    "randomProduct": r"[A-Z][a-z]+",
    "randomCompanyName": r"[A-Z][\w ,.'&-]+",
    "randomCompanySuffix": r"[A-Za-z][\w .]+",
    "randomCatchPhrase": r"\S+ \S+ \S.*",
    "randomBs": r"\S+ \S+ \S.*",
    "randomCatchPhraseAdjective": r"\S+",
    "randomCatchPhraseDescriptor": r"\S+",
    "randomCatchPhraseNoun": r"\S.*",
    "randomBsAdjective": r"\S+",
    "randomBsBuzz": r"\S+",
    "randomBsNoun": r"\S.*",
    "randomDatabaseColumn": r"[a-zA-Z]+",
    "randomDatabaseType": r"[a-z]+",
    "randomDatabaseCollation": r"[a-z0-9]+_[a-z_]+",
    "randomDatabaseEngine": r"[A-Za-z]+",
    "randomDatePast": _JS_DATE,
    "randomDateFuture": _JS_DATE,
    "randomDateRecent": _JS_DATE,
    "randomMonth": r"(January|February|March|April|May|June|July|August|September|October|November|December)",
    "randomWeekday": r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
    "randomBankAccount": r"\d{8}",
    "randomBankAccountName": r"[A-Z][a-z]+( [A-Z][a-z]+)* Account",
    "randomCreditCardMask": r"\d{4}",
    "randomPrice": r"\d{1,3}\.\d{2}",
    "randomTransactionType": r"(deposit|withdrawal|payment|invoice)",
    "randomCurrencyCode": r"[A-Z]{3}",
    "randomCurrencyName": r"\S.*",
    "randomCurrencySymbol": r"\S+",
    "randomBitcoin": r"[13][1-9A-HJ-NP-Za-km-z]{24,33}",
    "randomBankAccountIban": r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}",
    "randomBankAccountBic": r"[A-Z]{6}[A-Z0-9]{2}",
    "randomAbbreviation": r"[A-Z]{2,4}",
    "randomAdjective": r"[a-z0-9][a-z0-9 -]*",
    "randomNoun": r"[a-z][a-z ]*",
    "randomVerb": r"[a-z][a-z ]*",
    "randomIngverb": r"[a-z]+ing( up)?",
    "randomPhrase": r"[A-Z].+[.!]",
    "randomAvatarImage": r"https://cdn\.fakercloud\.com/avatars/\w+_128\.jpg",
    "randomImageUrl": _IMAGE,
    "randomAbstractImage": _IMAGE + "/abstract",
    "randomAnimalsImage": _IMAGE + "/animals",
    "randomBusinessImage": _IMAGE + "/business",
    "randomCatsImage": _IMAGE + "/cats",
    "randomCityImage": _IMAGE + "/city",
    "randomFoodImage": _IMAGE + "/food",
    "randomNightlifeImage": _IMAGE + "/nightlife",
    "randomFashionImage": _IMAGE + "/fashion",
    "randomPeopleImage": _IMAGE + "/people",
    "randomNatureImage": _IMAGE + "/nature",
    "randomSportsImage": _IMAGE + "/sports",
    "randomTransportImage": _IMAGE + "/transport",
    "randomImageDataUri": r"data:image/svg\+xml;charset=UTF-8,%3Csvg[A-Za-z0-9%._-]+",
    "randomEmail": r"[\w.+-]+@[\w-]+(\.[\w-]+)+",
    "randomExampleEmail": r"[\w.+-]+@example\.(com|org|net)",
    "randomUserName": r"[\w.]+",
    "randomProtocol": r"https?",
    "randomUrl": r"https?://[\w.-]+",
    "randomDomainName": r"[\w-]+(\.[\w-]+)+",
    "randomDomainSuffix": r"[a-z]{2,}",
    "randomDomainWord": r"[a-z0-9-]+",
    "randomIP": r"\d{1,3}(\.\d{1,3}){3}",
    "randomIPV6": r"[0-9a-f]{1,4}(:[0-9a-f]{1,4}){7}",
    "randomUserAgent": r"Mozilla/5\.0 .+|Opera/.+",
    "randomHexColor": r"#[0-9a-f]{6}",
    "randomMACAddress": r"[0-9a-f]{2}(:[0-9a-f]{2}){5}",
    "randomPassword": r"\w{15}",
    "randomLoremWord": r"[a-z]+",
    "randomLoremWords": r"[a-z]+ [a-z]+ [a-z]+",
    "randomLoremSentence": r"[A-Z][a-z]*( [a-z]+)*\.",
    "randomLoremSlug": r"[a-z]+-[a-z]+-[a-z]+",
    "randomLoremSentences": r"[A-Z][a-z ]*\.( [A-Z][a-z ]*\.)+",
    "randomLoremParagraph": r"[A-Z][a-z ]*\.( [A-Z][a-z ]*\.)*",
    "randomLoremParagraphs": r"[A-Z][A-Za-z .]*(\n \r[A-Z][A-Za-z .]*){2}",
    "randomLoremText": r"[A-Z][A-Za-z .]+",
    "randomLoremLines": r"[A-Z][a-z ]*\.(\n[A-Z][a-z ]*\.)*",
    "randomFirstName": r"[A-Z][a-z]+",
    "randomLastName": r"[A-Z][A-Za-z-]+",
    "randomFullName": r"[A-Z][a-z]+ [A-Z][A-Za-z-]+",
    "randomJobTitle": r"[A-Z][a-z]+ [A-Z][a-z]+ [A-Z][a-z]+",
    "randomNamePrefix": r"[A-Z][a-z]*\.?",
    "randomNameSuffix": r"[A-Z][A-Za-z]*\.?",
    "randomJobDescriptor": r"[A-Z][a-z]+",
    "randomJobArea": r"[A-Z][a-z]+",
    "randomJobType": r"[A-Z][a-z]+",
    "randomBoolean": r"true|false",
    "randomWord": r"[a-z]+",
    "randomAlphaNumeric": r"[a-z0-9]",
    "randomFileName": r"[\w-]+\.\w+",
    "randomCommonFileName": r"[\w-]+\.\w+",
    "randomMimeType": r"[a-z]+/[\w.+-]+",
    "randomCommonFileType": r"video|audio|image|text|application",
    "randomCommonFileExt": r"\w+",
    "randomFileType": r"application|audio|font|image|message|model|multipart|text|video",
    "randomFileExt": r"\w+",
    "randomSemver": r"\d\.\d\.\d",
}


def test_every_postman_name_is_known() -> None:
    """Postman's list (postman-collection 4.x) is the table above; rqrun adds two of its own."""
    assert set(SHAPES) <= set(dynamic.names())
    assert set(dynamic.names()) - set(SHAPES) == {"randomHttpMethod", "randomPort"}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_name_renders_in_its_shape(name: str) -> None:
    dynamic.seed(1234)
    renderer = Renderer(Scopes())
    for _ in range(5):
        value = renderer.render("{{$" + name + "}}")
        assert re.fullmatch(SHAPES[name], value), (name, value)
    assert not renderer.unresolved and not renderer.warnings


def test_seeded_values_repeat_and_unseeded_ones_differ() -> None:
    """Tests can pin Faker-backed and built-in values alike with one seed."""
    names = ["randomCity", "randomLoremSentence", "randomInt", "randomFirstName", "randomBankAccountIban"]
    dynamic.seed(7)
    first = [dynamic.generate(n) for n in names]
    dynamic.seed(7)
    assert [dynamic.generate(n) for n in names] == first
    dynamic.seed(None)
    assert {tuple(dynamic.generate(n) for n in names) for _ in range(3)} != {tuple(first)}


def test_faker_is_imported_only_when_a_name_needs_it() -> None:
    """Start-up unchanged: the built-in names do not load Faker; the first Faker-backed one does."""
    code = (
        "import sys\n"
        "from rqrun.variables import Renderer, Scopes\n"
        "r = Renderer(Scopes())\n"
        "r.render('{{$guid}} {{$randomInt}} {{$randomFirstName}} {{$randomEmail}} {{$randomDatePast}}')\n"
        "print('faker' in sys.modules)\n"
        "r.render('{{$randomCity}}')\n"
        "print('faker' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
