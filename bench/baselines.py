"""The baselines searchkit is measured against: plain Whoosh and tantivy, fed the same documents.

Both read the corpus with searchkit's own readers (:func:`searchkit.sources.discover` and
:func:`~searchkit.sources.read_source`) and :func:`searchkit.indexing.article_documents`, one
file at a time (nothing holds the whole corpus in memory), so the three systems index exactly
the same articles and comments and differ only in how they index and search them.

* **plain Whoosh**, as its tutorial uses it: searchkit's schema (:func:`searchkit.schema.build_schema`),
  ``create_in``, one ``ix.writer()`` with default settings, ``add_document`` per document,
  ``commit()``. Queries: ``MultifieldParser(["title", "body", "comment"], schema)`` (its
  defaults: AND between words), ``searcher.search(q, limit=10)``, ``hit.highlights(field)``
  for each hit's text, and for an article hit its matching comments: ``q AND
  article_id:<id> AND kind:comment``, limit 3, highlighted, with their count.
* **tantivy** (tantivy-py): text fields title, body, comment, author (``en_stem``, stored),
  raw fields id, kind, article_id (stored); one writer (default heap), ``add_document``,
  ``commit``, ``wait_merging_threads``. Queries: ``Index.parse_query`` over title, body and
  comment (its defaults: OR between words; a query it rejects is parsed leniently), top 10,
  a ``SnippetGenerator`` for body and comment, matching comments the same way as Whoosh.

Each ``*Search`` object answers one query with a JSON-ready dict of the same content as
``searchkit query --format json`` (id, kind, article id, title, author, date, score, snippet,
up to three matching comments with snippets, and their count).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_FIELDS = ("title", "body", "comment")
TANTIVY_TEXT = ("title", "body", "comment", "author")
TANTIVY_RAW = ("id", "kind", "article_id")
COMMENTS_PER_HIT = 3


@dataclass
class Feed:
    """What was fed to an index: counts filled in while the documents stream by."""

    files: int = 0
    skipped: int = 0
    bytes: int = 0
    articles: int = 0
    comments: int = 0
    documents: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def documents(paths: Iterable[str | os.PathLike], feed: Feed) -> Iterator[dict]:
    """searchkit's Whoosh documents of every readable file under ``paths``, one file at a time."""
    from searchkit.errors import SourceError
    from searchkit.indexing import article_documents
    from searchkit.sources import discover, read_source

    files, _errors = discover(paths)
    for source in files:
        try:
            read = read_source(source)  # a JSONL file's articles are read lazily, line by line
            feed.bytes += source.path.stat().st_size
        except (SourceError, OSError):
            feed.skipped += 1
            continue
        feed.files += 1
        for article in read.articles:
            feed.articles += 1
            feed.comments += len(article.comments)
            for document in article_documents(article):
                feed.documents += 1
                yield document


# --------------------------------------------------------------------------- plain Whoosh
def build_whoosh(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike) -> dict:
    """Index ``paths`` into a new Whoosh index at ``index_dir``, the tutorial way."""
    from whoosh import index as whoosh_index

    from searchkit.schema import build_schema

    Path(index_dir).mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    feed = Feed()
    writer = ix.writer()
    for document in documents(paths, feed):
        writer.add_document(**document)
    writer.commit()
    ix.close()
    return feed.as_dict()


class WhooshSearch:
    """Plain Whoosh over its own index: parse, top 10, highlights, matching comments."""

    def __init__(self, index_dir: str | os.PathLike):
        from whoosh import index as whoosh_index
        from whoosh.qparser import MultifieldParser

        import searchkit.analysis  # noqa: F401  (the schema's analyzers are pickled from it)

        self.ix = whoosh_index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(list(TEXT_FIELDS), self.ix.schema)

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()

    def __call__(self, text: str) -> dict:
        from whoosh.query import And, Term

        query = self.parser.parse(text)
        results = self.searcher.search(query, limit=10)
        hits = []
        for hit in results:
            kind = hit.get("kind")
            entry = {
                "id": hit.get("id"),
                "kind": kind,
                "article_id": hit.get("article_id"),
                "title": hit.get("title") or hit.get("article_title"),
                "author": hit.get("author"),
                "date": _iso(hit.get("date")),
                "score": round(hit.score or 0.0, 4),
                "snippet": hit.highlights("comment" if kind == "comment" else "body"),
                "comments": [],
                "comment_count": 0,
            }
            if kind == "article":
                matching = And([query, Term("article_id", hit["article_id"]), Term("kind", "comment")])
                comments = self.searcher.search(matching, limit=COMMENTS_PER_HIT)
                entry["comments"] = [
                    {"id": c.get("id"), "author": c.get("author"), "snippet": c.highlights("comment")} for c in comments
                ]
                entry["comment_count"] = len(comments)
            hits.append(entry)
        return {"query": text, "total": len(results), "hits": hits}


def _iso(value) -> str | None:
    return value.date().isoformat() if hasattr(value, "date") else value


# --------------------------------------------------------------------------- tantivy
def tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in TANTIVY_TEXT:
        builder.add_text_field(name, stored=True, tokenizer_name="en_stem")
    for name in TANTIVY_RAW:
        builder.add_text_field(name, stored=True, tokenizer_name="raw")
    return builder.build()


def build_tantivy(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike) -> dict:
    """Index ``paths`` into a new tantivy index at ``index_dir`` with one default writer."""
    import tantivy

    Path(index_dir).mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(tantivy_schema(), path=str(index_dir))
    writer = index.writer()
    feed = Feed()
    for document in documents(paths, feed):
        fields = {name: document[name] for name in TANTIVY_TEXT + TANTIVY_RAW if document.get(name)}
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    return feed.as_dict()


class TantivySearch:
    """tantivy over its own index: parse, top 10, snippets, matching comments."""

    def __init__(self, index_dir: str | os.PathLike):
        import tantivy

        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(index_dir))
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema
        self.lenient = 0
        self.comment_kind = tantivy.Query.term_query(self.schema, "kind", "comment")

    def close(self) -> None:
        pass

    def parse(self, text: str):
        try:
            return self.index.parse_query(text, list(TEXT_FIELDS))
        except ValueError:
            self.lenient += 1
            query, _errors = self.index.parse_query_lenient(text, list(TEXT_FIELDS))
            return query

    def __call__(self, text: str) -> dict:
        tantivy = self.tantivy
        query = self.parse(text)
        result = self.searcher.search(query, 10, count=True)
        snippets = {
            name: tantivy.SnippetGenerator.create(self.searcher, query, self.schema, name)
            for name in ("body", "comment")
        }
        hits = []
        for score, address in result.hits:
            doc = self.searcher.doc(address)
            kind = doc.get_first("kind")
            article_id = doc.get_first("article_id")
            entry = {
                "id": doc.get_first("id"),
                "kind": kind,
                "article_id": article_id,
                "title": doc.get_first("title"),
                "author": doc.get_first("author"),
                "date": None,
                "score": round(score, 4),
                "snippet": snippets["comment" if kind == "comment" else "body"].snippet_from_doc(doc).to_html(),
                "comments": [],
                "comment_count": 0,
            }
            if kind == "article":
                must = tantivy.Occur.Must
                matching = tantivy.Query.boolean_query(
                    [
                        (must, query),
                        (must, tantivy.Query.term_query(self.schema, "article_id", article_id)),
                        (must, self.comment_kind),
                    ]
                )
                comments = self.searcher.search(matching, COMMENTS_PER_HIT, count=True)
                for _, comment_address in comments.hits:
                    comment = self.searcher.doc(comment_address)
                    entry["comments"].append(
                        {
                            "id": comment.get_first("id"),
                            "author": comment.get_first("author"),
                            "snippet": snippets["comment"].snippet_from_doc(comment).to_html(),
                        }
                    )
                entry["comment_count"] = comments.count
            hits.append(entry)
        return {"query": text, "total": result.count, "hits": hits}
