"""Document loaders: Markdown, plain text, CSV/Excel FAQ sheets, PDF and Word."""

from knowledge.documents.loaders import SUPPORTED_SUFFIXES, DocumentError, load_document

__all__ = ["SUPPORTED_SUFFIXES", "DocumentError", "load_document"]
