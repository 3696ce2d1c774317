"""BeautifulSoup's tree of an HTML page, built with less work for each element.

``BeautifulSoup(markup, "lxml")`` spends most of a parse in its own Python code, not in
lxml: for every element it looks for namespaces (lxml's HTML parser gives none), copies
the attributes twice, and goes through a chain of general-purpose methods; for every
string it tests each character for whitespace. Parsing was 44% of a reindex's CPU.

``LeanSoup`` builds the same ``Tag`` and ``NavigableString`` objects, linked the same way,
for HTML through lxml only; ``tests/index/test_soup.py`` compares the two trees, object
for object, on every real page the tests have. It sets the attributes ``Tag.__init__``
sets, so it depends on how BeautifulSoup lays out its objects: pyproject.toml allows
only the versions it was compared on.
"""

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import HTMLTreeBuilder
from bs4.builder._lxml import LXMLTreeBuilder, LXMLTreeBuilderForXML
from bs4.element import AttributeDict, PageElement

# Called for every element and string of every page: looked up once, here.
_new_tag = Tag.__new__
_new_string = str.__new__


class LeanSoup(BeautifulSoup):
    """A ``BeautifulSoup`` that builds its tree of an HTML page directly (see module doc).

    Use it as ``LeanSoup(markup, builder=lean_builder())``; the result is a BeautifulSoup
    object like any other. It builds whole, plain trees: no ``parse_only``, no
    ``element_classes``."""

    def open_tag(self, name: str, attrs: dict[str, str]) -> None:
        """An element starts: what ``handle_starttag`` and ``Tag.__init__`` do for HTML."""
        builder = self.builder
        for key in attrs:
            if key[:1] == "{":  # "{uri}name", which libxml2 2.14 lets through: as stock
                LXMLTreeBuilderForXML.start(builder, name, attrs)
                return
        if self.current_data:
            self.endData()
        parent = self.currentTag
        previous = self._most_recent_element
        # In the order Tag.__init__ sets them: instances then share their keys' table.
        tag = _new_tag(Tag)
        tag.parser_class = type(self)
        tag.name = name
        tag.namespace = None
        tag._namespaces = builder.active_namespace_prefixes[-1]
        tag.prefix = tag.sourceline = tag.sourcepos = None
        tag.attribute_value_list_class = builder.attribute_value_list_class
        tag.attrs = builder.attribute_dict_class(attrs)
        tag.known_xml = False
        tag.contents = []
        _link(tag, parent, previous)
        tag.hidden = False
        if name == "meta":  # a declared charset becomes a placeholder
            builder.set_up_substitutions(tag)
        tag.can_be_empty_element = name in builder.empty_element_tags
        tag.cdata_list_attributes = builder.cdata_list_attributes
        tag.preserve_whitespace_tags = builder.preserve_whitespace_tags
        container = builder.string_containers.get(name)
        if container is None:
            tag.interesting_string_types = Tag.MAIN_CONTENT_STRING_TYPES
        else:
            tag.interesting_string_types = {container}
            self.string_container_stack.append(tag)
        self._most_recent_element = tag
        self.tagStack.append(tag)
        self.currentTag = tag
        self.open_tag_counter[name] += 1
        if name in builder.preserve_whitespace_tags:
            self.preserve_whitespace_tag_stack.append(tag)

    def dismantle(self) -> None:
        """Unlink the whole tree: it is freed as soon as the last reference to the soup
        goes. A tree is a web of cycles (parents, siblings, next and previous elements)
        that only the cycle collector frees otherwise, by walking every object in it: a
        fifth of reading a page. The soup, its builder and its elements are unusable
        afterwards; the strings are still strings."""
        builder = self.builder  # its parser's target holds the soup's methods
        # Every element, in the order parsed (the soup itself is not linked to the first).
        element = self.contents[0] if self.contents else None
        while element is not None:
            following = element.next_element
            element.__dict__.clear()
            element = following
        builder.__dict__.clear()
        self.__dict__.clear()

    def close_tag(self, name: str) -> None:
        """An element ends: close it and any left open inside it (``handle_endtag``)."""
        if self.current_data:
            self.endData()
        counter = self.open_tag_counter
        stack = self.tagStack
        while len(stack) > 1 and counter.get(name):
            innermost = stack[-1]
            self.popTag()
            if innermost.name == name:
                return

    def popTag(self) -> Tag | None:
        """BeautifulSoup's, but the stacks of <pre>-like tags and string containers are
        popped on identity: BeautifulSoup compares with ``==``, which compares the two
        trees, and the innermost open such tag is always the top of its stack."""
        stack = self.tagStack
        if not stack:
            return None
        tag = stack.pop()
        if tag.name in self.open_tag_counter:
            self.open_tag_counter[tag.name] -= 1
        kept = self.preserve_whitespace_tag_stack
        if kept and tag is kept[-1]:
            kept.pop()
        containers = self.string_container_stack
        if containers and tag is containers[-1]:
            containers.pop()
        if stack:
            self.currentTag = stack[-1]
        return self.currentTag

    def endData(self, containerClass: type[NavigableString] | None = None) -> None:
        """The text gathered since the last tag becomes a string in the tree; text that is
        only whitespace becomes one space or newline, but inside <pre> and <textarea>."""
        gathered = self.current_data
        if not gathered:
            return
        text = gathered[0] if len(gathered) == 1 else "".join(gathered)
        gathered.clear()
        if not self.preserve_whitespace_tag_stack and not text.strip(self.ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        container = containerClass or NavigableString
        if container is NavigableString and self.string_container_stack:
            innermost = self.string_container_stack[-1].name
            container = self.builder.string_containers.get(innermost, container)
        string = _new_string(container, text)
        string.hidden = False
        _link(string, self.currentTag, self._most_recent_element)
        self._most_recent_element = string


def _link(element: PageElement, parent: Tag, previous: PageElement | None) -> None:
    """``element`` as the last child of ``parent``, parsed right after ``previous``.

    BeautifulSoup relinks what it appends when the parent was linked on already
    (``_linkage_fixer``); here nothing needs it. Strings and tags go into the innermost
    open tag, and an open tag has no next sibling yet; one whose next element is set
    already has children, the last of which was parsed last."""
    element.parent = parent
    element.previous_element = previous
    if previous is not None:
        previous.next_element = element
    element.next_element = element.next_sibling = None
    siblings = parent.contents
    if siblings:
        before = siblings[-1]
        element.previous_sibling = before
        before.next_sibling = element
    else:
        element.previous_sibling = None
    siblings.append(element)


class _LeanHTMLBuilder(LXMLTreeBuilder):
    """lxml's HTML parser, its events handed straight to a ``LeanSoup``: through
    ``self.soup``, which ``dismantle`` clears, not the soup's bound methods, which lxml's
    parser would keep (in a cycle of its own) and the soup with them."""

    def initialize_soup(self, soup: BeautifulSoup) -> None:
        if soup.parse_only is not None or soup.element_classes:
            raise ValueError("LeanSoup builds whole trees of plain Tags and strings")
        super().initialize_soup(soup)

    def start(self, name: str, attrs: dict[str, str], nsmap: object = None) -> None:
        self.soup.open_tag(name, attrs)

    def end(self, name: str) -> None:
        self.soup.close_tag(name)

    def data(self, text: str) -> None:
        self.soup.current_data.append(text)


def lean_builder() -> HTMLTreeBuilder:
    """A tree builder for ``LeanSoup``: attributes kept as strings, in a plain dictionary
    (``multi_valued_attributes=None``), as the extraction reads them."""
    return _LeanHTMLBuilder(multi_valued_attributes=None, attribute_dict_class=AttributeDict)
