"""The catalogue: what the store holds and how the dataset describes itself, for the HTTP
API and the Python API alike (no HTTP here).

=====================  ===========================================================
``inventory``          counts per graph, dates, self-described sources, linksets
``description``        the DCAT-AP 3.0.1 / VoID description and the Service Description
``dumps``              the dump files of the whole store, written once per state
``catalogue``          one store's description and dumps, rebuilt in the background
``describe``           what the store says about one entity (pages, RDF views)
``vocabulary``         the ontology's classes, properties and modules
``terms``              the IRIs and EU vocabularies the description uses
=====================  ===========================================================
"""

from __future__ import annotations

from dckg.catalog.catalogue import Catalogue, Described, description_store
from dckg.catalog.description import service_description, void_description
from dckg.catalog.dumps import DUMPS, Dump, DumpFile, DumpFiles
from dckg.catalog.inventory import Inventory, Linkset, Source, take_inventory

__all__ = [
    "DUMPS",
    "Catalogue",
    "Described",
    "Dump",
    "DumpFile",
    "DumpFiles",
    "Inventory",
    "Linkset",
    "Source",
    "description_store",
    "service_description",
    "take_inventory",
    "void_description",
]
