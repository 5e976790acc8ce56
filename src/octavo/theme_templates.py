"""A theme's templates, loaded by Jinja2: the environment a book is rendered in.

Review text is always data, never template (autoescaping, undefined names an error),
and a template is read only from inside its theme's folder, whatever links the
folder holds (:func:`octavo.themes.theme_file`). Apart from :mod:`octavo.themes`, so
that a build that finds its book up to date does not load Jinja2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2

from .themes import theme_file


def environment(template_folders: Iterable[Path]) -> jinja2.Environment:
    """A Jinja2 environment where review text is always data, never template, that
    loads templates from ``template_folders`` (the first that holds one wins), each
    confined to its folder."""
    loaders: list[jinja2.BaseLoader] = [_ConfinedLoader(folder) for folder in template_folders]
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The book's words: {{ _("Contents") }}, in the book's language once
        # render_template has installed its catalogue (octavo.localisation).
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_COMPILED,
        # An environment lives for one rendering (a build makes its own): its templates
        # are not looked at again on disk each time one is included (four a review).
        auto_reload=False,
    )
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return environment


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once in a process, not once a build: a book's build makes a
    new environment (its theme may differ), and compiling the templates was half the
    time of rendering a small book. Jinja2 checks each template's source against the
    checksum kept with its code, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Loads templates only from inside its folder, whatever links the folder holds."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        theme_file(self.folder, str(Path(filename).relative_to(self.folder)))
        return source, filename, uptodate
