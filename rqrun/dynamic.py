"""Dynamic values: the generators behind ``{{$guid}}``, ``{{$randomCity}}``, ``{{$randomInt 1 6}}``...

Every name Postman knows (postman-collection's dynamic variables, in the shapes Newman sends).
The common ones are built from the standard library; the rest (addresses, companies, lorem
text, file names...) come from Faker, imported the first time such a name is rendered, so a run
that uses none pays nothing at start-up. Every call makes a fresh value, as Requestly and
Postman do for each occurrence.

All randomness comes from one source, :data:`_rng`, which Faker is seeded from: :func:`seed`
makes every value after it reproducible (tests), while ``$guid``/``$randomUUID`` stay UUID4s.
"""

from __future__ import annotations

import posixpath
import random
import string
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from faker import Faker

__all__ = ["generate", "names", "seed"]

_rng = random.Random()  # noqa: S311 - Postman's random test data, seedable; never a secret
_faker: Faker | None = None

_FIRST_NAMES = (
    "Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Guido",
    "Hedy", "Edsger", "Radia", "Donald", "Katherine", "Tim", "Anita", "John", "Sophie", "Niklaus",
)
_LAST_NAMES = (
    "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie",
    "Allen", "Rossum", "Lamarr", "Dijkstra", "Perlman", "Knuth", "Johnson", "Berners-Lee",
    "Borg", "McCarthy", "Wilson", "Wirth",
)
_WORDS = (
    "apple", "river", "stone", "cloud", "ember", "maple", "orbit", "pixel", "quartz", "raven",
    "saddle", "timber", "umbra", "velvet", "willow", "yonder", "zephyr", "harbor", "lantern", "meadow",
)
_DOMAINS = ("example.com", "example.org", "example.net")
_COLORS = ("red", "green", "blue", "cyan", "magenta", "yellow", "black", "white", "orange", "purple")
_HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Word lists for the names Faker has no provider for (commerce, databases, "hacker" talk, jobs).
_DEPARTMENTS = ("Books", "Movies", "Music", "Games", "Electronics", "Computers", "Home", "Garden", "Tools",
                "Grocery", "Health", "Beauty", "Toys", "Kids", "Baby", "Clothing", "Shoes", "Jewelery",
                "Sports", "Outdoors", "Automotive", "Industrial")
_PRODUCT_ADJECTIVES = ("Small", "Ergonomic", "Rustic", "Intelligent", "Gorgeous", "Incredible", "Fantastic",
                       "Practical", "Sleek", "Awesome", "Generic", "Handcrafted", "Handmade", "Licensed",
                       "Refined", "Unbranded", "Tasty")
_PRODUCT_MATERIALS = ("Steel", "Wooden", "Concrete", "Plastic", "Cotton", "Granite", "Rubber", "Metal", "Soft",
                      "Fresh", "Frozen")
_PRODUCTS = ("Chair", "Car", "Computer", "Keyboard", "Mouse", "Bike", "Ball", "Gloves", "Pants", "Shirt",
             "Table", "Shoes", "Hat", "Towels", "Soap", "Tuna", "Chicken", "Fish", "Cheese", "Bacon",
             "Pizza", "Salad", "Sausages", "Chips")
_DB_COLUMNS = ("id", "title", "name", "email", "phone", "token", "group", "category", "password", "comment",
               "avatar", "status", "createdAt", "updatedAt")
_DB_TYPES = ("int", "varchar", "text", "date", "datetime", "tinyint", "time", "timestamp", "smallint",
             "mediumint", "bigint", "decimal", "float", "double", "real", "bit", "boolean", "serial", "blob",
             "binary", "enum", "set", "geometry", "point")
_DB_COLLATIONS = ("utf8_unicode_ci", "utf8_general_ci", "utf8_bin", "ascii_bin", "ascii_general_ci",
                  "cp1250_bin", "cp1250_general_ci")
_DB_ENGINES = ("InnoDB", "MyISAM", "MEMORY", "CSV", "BLACKHOLE", "ARCHIVE")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ACCOUNT_NAMES = ("Checking Account", "Savings Account", "Money Market Account", "Investment Account",
                  "Home Loan Account", "Credit Card Account", "Auto Loan Account", "Personal Loan Account")
_TRANSACTION_TYPES = ("deposit", "withdrawal", "payment", "invoice")
_ABBREVIATIONS = ("TCP", "HTTP", "SDD", "RAM", "GB", "CSS", "SSL", "AGP", "SQL", "FTP", "PCI", "AI", "ADP",
                  "RSS", "XML", "EXE", "COM", "HDD", "THX", "SMTP", "SMS", "USB", "PNG", "SAS", "IB", "SCSI",
                  "JSON", "XSS", "JBOD")
_ADJECTIVES = ("auxiliary", "primary", "back-end", "digital", "open-source", "virtual", "cross-platform",
               "redundant", "online", "haptic", "multi-byte", "bluetooth", "wireless", "1080p", "neural",
               "optical", "solid state", "mobile")
_NOUNS = ("driver", "protocol", "bandwidth", "panel", "microchip", "program", "port", "card", "array",
          "interface", "system", "sensor", "firewall", "hard drive", "pixel", "alarm", "feed", "monitor",
          "application", "transmitter", "bus", "circuit", "capacitor", "matrix")
_VERBS = ("back up", "bypass", "hack", "override", "compress", "copy", "navigate", "index", "connect",
          "generate", "quantify", "calculate", "synthesize", "input", "transmit", "program", "reboot", "parse")
_ING_VERBS = ("backing up", "bypassing", "hacking", "overriding", "compressing", "copying", "navigating",
              "indexing", "connecting", "generating", "quantifying", "calculating", "synthesizing",
              "transmitting", "programming", "parsing")
_JOB_DESCRIPTORS = ("Lead", "Senior", "Direct", "Corporate", "Dynamic", "Future", "Product", "National",
                    "Regional", "District", "Central", "Global", "Customer", "Investor", "International",
                    "Legacy", "Forward", "Internal", "Human", "Chief", "Principal")
_JOB_AREAS = ("Solutions", "Program", "Brand", "Security", "Research", "Marketing", "Directives",
              "Implementation", "Integration", "Functionality", "Response", "Paradigm", "Tactics", "Identity",
              "Markets", "Group", "Division", "Applications", "Optimization", "Operations", "Infrastructure",
              "Intranet", "Communications", "Web", "Branding", "Quality", "Assurance", "Mobility", "Accounts",
              "Data", "Creative", "Configuration", "Accountability", "Interactions", "Factors", "Usability",
              "Metrics")
_JOB_TYPES = ("Supervisor", "Associate", "Executive", "Liaison", "Officer", "Manager", "Engineer", "Specialist",
              "Director", "Coordinator", "Administrator", "Architect", "Analyst", "Designer", "Planner",
              "Orchestrator", "Technician", "Developer", "Producer", "Consultant", "Assistant", "Facilitator",
              "Agent", "Representative", "Strategist")
_FILE_CATEGORIES = ("audio", "image", "text", "video")
_MIME_TOP_TYPES = ("application", "audio", "font", "image", "message", "model", "multipart", "text", "video")
_IMAGE_TOPICS = {
    "randomAbstractImage": "abstract", "randomAnimalsImage": "animals", "randomBusinessImage": "business",
    "randomCatsImage": "cats", "randomCityImage": "city", "randomFoodImage": "food",
    "randomNightlifeImage": "nightlife", "randomFashionImage": "fashion", "randomPeopleImage": "people",
    "randomNatureImage": "nature", "randomSportsImage": "sports", "randomTransportImage": "transport",
}
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def seed(value: int | None) -> None:
    """Seed rqrun's random source (and Faker, now or when it is first used); None: unpredictable."""
    _rng.seed(value)
    if _faker is not None:
        _faker.seed_instance(_rng.getrandbits(64))


def _fake() -> Faker:
    """Faker, imported and seeded from :data:`_rng` the first time a name needs it."""
    global _faker
    if _faker is None:
        from faker import Faker

        _faker = Faker("en_US")
        _faker.seed_instance(_rng.getrandbits(64))
    return _faker


def _latin() -> list[str]:
    """Postman's lorem text is Latin (faker.js), not Faker's English default."""
    from faker.providers.lorem.la import Provider

    return list(Provider.word_list)


def _int_arg(args: list[str], index: int, default: int) -> int:
    if len(args) <= index:
        return default
    try:
        return int(float(args[index]))
    except ValueError:
        raise ValueError(f"expected a number, got {args[index]!r}") from None


def _random_int(args: list[str]) -> str:
    """``$randomInt`` (0..1000), ``$randomInt MAX`` or ``$randomInt MIN MAX`` (inclusive)."""
    if len(args) == 1:
        low, high = 0, _int_arg(args, 0, 1000)
    else:
        low, high = _int_arg(args, 0, 0), _int_arg(args, 1, 1000)
    if low > high:
        raise ValueError(f"min {low} is greater than max {high}")
    return str(_rng.randint(low, high))


def _random_alnum(args: list[str]) -> str:
    length = _int_arg(args, 0, 1)
    if not 0 < length <= 10_000:
        raise ValueError("length must be between 1 and 10000")
    alphabet = string.ascii_lowercase + string.digits
    return "".join(_rng.choice(alphabet) for _ in range(length))


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _email() -> str:
    return f"{_rng.choice(_FIRST_NAMES).lower()}.{_rng.choice(_LAST_NAMES).lower()}@{_rng.choice(_DOMAINS)}"


def _digits(count: int) -> str:
    return "".join(_rng.choice(string.digits) for _ in range(count))


def _js_date(offset_seconds: float) -> str:
    """A date as JavaScript's ``Date.toString()`` writes it in UTC, which is what Newman sends."""
    when = datetime.now(UTC) + timedelta(seconds=offset_seconds)
    return when.strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")


def _pick(options: tuple[str, ...]) -> Callable[[], str]:
    return lambda: _rng.choice(options)


def _image_url(topic: str) -> Callable[[], str]:
    return lambda: f"http://placeimg.com/640/480/{topic}"


def _words_of(phrase: str) -> tuple[str, str, str]:
    """First word, second word, the rest: Faker's catch phrase and bs are built that way."""
    words = phrase.split()
    return words[0], words[1] if len(words) > 1 else "", " ".join(words[2:])


def _lorem_sentence() -> str:
    return _fake().sentence(ext_word_list=_latin())


def _lorem_paragraph() -> str:
    return _fake().paragraph(ext_word_list=_latin())


def _image_data_uri() -> str:
    colour = f"#{_rng.randrange(0x1000000):06x}"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" baseProfile="full" width="640" height="480">'
        f'<rect width="100%" height="100%" fill="{colour}"/>'
        '<text x="320" y="240" font-size="20" alignment-baseline="middle" text-anchor="middle" fill="white">'
        "640x480</text></svg>"
    )
    return "data:image/svg+xml;charset=UTF-8," + quote(svg, safe="")


def _file_name(category: str | None = None) -> str:
    return _fake().file_name(category=category)


_NO_ARGS: dict[str, Callable[[], str]] = {
    # --- standard library: the names most collections use ----------------------------------
    "guid": lambda: str(uuid.uuid4()),
    "randomUUID": lambda: str(uuid.uuid4()),
    "timestamp": lambda: str(int(time.time())),
    "isoTimestamp": _iso_now,
    "randomBoolean": lambda: _rng.choice(("true", "false")),
    "randomFirstName": lambda: _rng.choice(_FIRST_NAMES),
    "randomLastName": lambda: _rng.choice(_LAST_NAMES),
    "randomFullName": lambda: f"{_rng.choice(_FIRST_NAMES)} {_rng.choice(_LAST_NAMES)}",
    "randomUserName": lambda: f"{_rng.choice(_FIRST_NAMES).lower()}{_rng.randint(1, 999)}",
    "randomEmail": _email,
    "randomExampleEmail": _email,
    "randomWord": lambda: _rng.choice(_WORDS),
    "randomWords": lambda: " ".join(_rng.choice(_WORDS) for _ in range(_rng.randint(2, 5))),
    "randomColor": lambda: _rng.choice(_COLORS),
    "randomHexColor": lambda: f"#{_rng.randrange(0x1000000):06x}",
    "randomIP": lambda: ".".join(str(_rng.randint(1, 254)) for _ in range(4)),
    "randomPort": lambda: str(_rng.randint(1024, 65535)),
    "randomHttpMethod": lambda: _rng.choice(_HTTP_METHODS),
    "randomPrice": lambda: f"{_rng.randint(1, 999)}.{_rng.randint(0, 99):02d}",
    "randomPhoneNumber": lambda: f"{_rng.randint(200, 999)}-{_rng.randint(200, 999)}-{_rng.randint(0, 9999):04d}",
    "randomUrl": lambda: f"https://{_rng.choice(_WORDS)}.{_rng.choice(_DOMAINS)}",
    "randomDomainName": lambda: f"{_rng.choice(_WORDS)}.{_rng.choice(_DOMAINS)}",
    "randomPhoneNumberExt": lambda: f"{_digits(2)}-{_digits(3)}-{_digits(3)}-{_digits(4)}",
    "randomProtocol": _pick(("http", "https")),
    "randomSemver": lambda: ".".join(str(_rng.randint(0, 9)) for _ in range(3)),
    "randomBankAccount": lambda: _digits(8),
    "randomCreditCardMask": lambda: _digits(4),
    "randomPassword": lambda: "".join(_rng.choice(string.ascii_letters + string.digits + "_") for _ in range(15)),
    "randomBitcoin": lambda: _rng.choice("13") + "".join(_rng.choice(_BASE58) for _ in range(_rng.randint(24, 33))),
    "randomDatePast": lambda: _js_date(-_rng.uniform(1, 365 * 86400)),
    "randomDateFuture": lambda: _js_date(_rng.uniform(1, 365 * 86400)),
    "randomDateRecent": lambda: _js_date(-_rng.uniform(1, 86400)),
    "randomMonth": _pick(_MONTHS),
    "randomWeekday": _pick(_WEEKDAYS),
    "randomDepartment": _pick(_DEPARTMENTS),
    "randomProductAdjective": _pick(_PRODUCT_ADJECTIVES),
    "randomProductMaterial": _pick(_PRODUCT_MATERIALS),
    "randomProduct": _pick(_PRODUCTS),
    "randomProductName": lambda: " ".join(_rng.choice(w) for w in (_PRODUCT_ADJECTIVES, _PRODUCT_MATERIALS, _PRODUCTS)),
    "randomDatabaseColumn": _pick(_DB_COLUMNS),
    "randomDatabaseType": _pick(_DB_TYPES),
    "randomDatabaseCollation": _pick(_DB_COLLATIONS),
    "randomDatabaseEngine": _pick(_DB_ENGINES),
    "randomBankAccountName": _pick(_ACCOUNT_NAMES),
    "randomTransactionType": _pick(_TRANSACTION_TYPES),
    "randomAbbreviation": _pick(_ABBREVIATIONS),
    "randomAdjective": _pick(_ADJECTIVES),
    "randomNoun": _pick(_NOUNS),
    "randomVerb": _pick(_VERBS),
    "randomIngverb": _pick(_ING_VERBS),
    "randomPhrase": lambda: (
        f"If we {_rng.choice(_VERBS)} the {_rng.choice(_NOUNS)}, we can get to the "
        f"{_rng.choice(_ABBREVIATIONS)} {_rng.choice(_NOUNS)} through the {_rng.choice(_ADJECTIVES)} "
        f"{_rng.choice(_ABBREVIATIONS)} {_rng.choice(_NOUNS)}!"
    ),
    "randomJobDescriptor": _pick(_JOB_DESCRIPTORS),
    "randomJobArea": _pick(_JOB_AREAS),
    "randomJobType": _pick(_JOB_TYPES),
    "randomJobTitle": lambda: " ".join(_rng.choice(w) for w in (_JOB_DESCRIPTORS, _JOB_AREAS, _JOB_TYPES)),
    "randomCommonFileType": _pick(("video", "audio", "image", "text", "application")),
    "randomFileType": _pick(_MIME_TOP_TYPES),
    "randomImageUrl": lambda: "http://placeimg.com/640/480",
    "randomImageDataUri": _image_data_uri,
    **{name: _image_url(topic) for name, topic in _IMAGE_TOPICS.items()},
    # --- Faker, imported on first use -----------------------------------------------------------
    "randomLocale": lambda: _fake().language_code(),
    "randomFilePath": lambda: _fake().file_path(depth=_rng.randint(1, 3)),
    "randomDirectoryPath": lambda: posixpath.dirname(_fake().file_path(depth=_rng.randint(1, 3))),
    "randomCity": lambda: _fake().city(),
    "randomStreetName": lambda: _fake().street_name(),
    "randomStreetAddress": lambda: _fake().street_address(),
    "randomCountry": lambda: _fake().country(),
    "randomCountryCode": lambda: _fake().country_code(),
    "randomLatitude": lambda: f"{float(_fake().latitude()):.4f}",
    "randomLongitude": lambda: f"{float(_fake().longitude()):.4f}",
    "randomCompanyName": lambda: _fake().company(),
    "randomCompanySuffix": lambda: _fake().company_suffix(),
    "randomCatchPhrase": lambda: _fake().catch_phrase(),
    "randomCatchPhraseAdjective": lambda: _words_of(_fake().catch_phrase())[0],
    "randomCatchPhraseDescriptor": lambda: _words_of(_fake().catch_phrase())[1],
    "randomCatchPhraseNoun": lambda: _words_of(_fake().catch_phrase())[2],
    "randomBs": lambda: _fake().bs(),
    "randomBsBuzz": lambda: _words_of(_fake().bs())[0],
    "randomBsAdjective": lambda: _words_of(_fake().bs())[1],
    "randomBsNoun": lambda: _words_of(_fake().bs())[2],
    "randomCurrencyCode": lambda: _fake().currency_code(),
    "randomCurrencyName": lambda: _fake().currency_name(),
    "randomCurrencySymbol": lambda: _fake().currency_symbol(),
    "randomBankAccountIban": lambda: _fake().iban(),
    "randomBankAccountBic": lambda: _fake().swift8(),
    "randomAvatarImage": lambda: f"https://cdn.fakercloud.com/avatars/{_fake().user_name()}_128.jpg",
    "randomDomainSuffix": lambda: _fake().tld(),
    "randomDomainWord": lambda: _fake().domain_word(),
    "randomIPV6": lambda: _fake().ipv6(),
    "randomUserAgent": lambda: _fake().user_agent(),
    "randomMACAddress": lambda: _fake().mac_address(),
    "randomLoremWord": lambda: _fake().word(ext_word_list=_latin()),
    "randomLoremWords": lambda: " ".join(_fake().words(3, ext_word_list=_latin())),
    "randomLoremSlug": lambda: "-".join(_fake().words(3, ext_word_list=_latin())),
    "randomLoremSentence": _lorem_sentence,
    "randomLoremSentences": lambda: " ".join(_lorem_sentence() for _ in range(_rng.randint(2, 6))),
    "randomLoremParagraph": _lorem_paragraph,
    "randomLoremParagraphs": lambda: "\n \r".join(_lorem_paragraph() for _ in range(3)),
    "randomLoremText": lambda: _lorem_sentence() if _rng.random() < 0.5 else _lorem_paragraph(),
    "randomLoremLines": lambda: "\n".join(_lorem_sentence() for _ in range(_rng.randint(1, 5))),
    "randomNamePrefix": lambda: _fake().prefix(),
    "randomNameSuffix": lambda: _fake().suffix(),
    "randomFileName": lambda: _file_name(),
    "randomCommonFileName": lambda: _file_name(_rng.choice(_FILE_CATEGORIES)),
    "randomMimeType": lambda: _fake().mime_type(),
    "randomCommonFileExt": lambda: _fake().file_extension(category=_rng.choice(_FILE_CATEGORIES)),
    "randomFileExt": lambda: _fake().file_extension(),
}

_WITH_ARGS: dict[str, Callable[[list[str]], str]] = {
    "randomInt": _random_int,
    "randomAlphaNumeric": _random_alnum,
}


def names() -> list[str]:
    """Every dynamic name, without the leading ``$``."""
    return sorted([*_NO_ARGS, *_WITH_ARGS])


def generate(name: str, args: list[str] | None = None) -> str:
    """A fresh value for ``name`` (with or without ``$``).

    Raises ``KeyError`` for an unknown name and ``ValueError`` for arguments it cannot use.
    """
    key = name[1:] if name.startswith("$") else name
    args = args or []
    if key in _WITH_ARGS:
        return _WITH_ARGS[key](args)
    if key in _NO_ARGS:
        if args:
            raise ValueError(f"${key} takes no arguments")
        return _NO_ARGS[key]()
    raise KeyError(name)

