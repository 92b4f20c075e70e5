"""The IRIs and namespaces the dataset's description uses: the catalogue's own IRIs and the
EU vocabularies (the "authority tables") its values come from."""

from __future__ import annotations

from pyoxigraph import NamedNode

from dckg.namespaces import ID, PREFIXES

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

DATASET = NamedNode(ID + "dataset/dckg")
CATALOG = NamedNode(ID + "catalog/dckg")
PUBLISHER = NamedNode(ID + "agent/dckg-maintainers")
LICENCE = NamedNode(EU_LICENCE + "EUPL_1_2")

#: The kinds of ``/id/{kind}/…`` IRIs the description mints (dereferenced from it).
MINTED_KINDS = frozenset(
    ("agent", "catalog", "contact", "dataset", "distribution", "linkset", "period", "service")
)

DESCRIPTION_PREFIXES = {**PREFIXES, "sd": SD, "formats": FORMATS_NS}

#: Where the description's values come from in the EU vocabularies (the "authority tables").
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_THEME = EU_AUTHORITY + "data-theme/"
SPDX = "http://spdx.org/rdf/terms#"
#: The algorithm IRI as the DCAT-AP 3.0.1 vocabulary shape requires it (``^https://spdx.org``).
SHA256 = NamedNode("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
VCARD = "http://www.w3.org/2006/vcard/ns#"

#: Licences the sources use, as the EU licence table names them.
EU_LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC_BY_4_0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC_BYSA_4_0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0",
    "https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12": "EUPL_1_2",
    "http://spdx.org/licenses/EUPL-1.2": "EUPL_1_2",
    "http://spdx.org/licenses/CC-BY-4.0": "CC_BY_4_0",
    "http://spdx.org/licenses/CC-BY-SA-4.0": "CC_BYSA_4_0",
    "http://spdx.org/licenses/CC0-1.0": "CC0",
}

#: The data themes of the dataset (EU data-theme table): regions and cities,
#: international issues, government and public sector.
THEMES = ("REGI", "INTR", "GOVE")
