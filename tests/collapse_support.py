"""A small archive with known near-copies, for the --collapse tests (not a
test module: pytest does not collect it).

==================  ====  =====================  ==========  =======================================
id                  lang  source                 published   story
==================  ====  =====================  ==========  =======================================
aaaa000000000001    en    Computer Weekly        2015-03-12  X: Estonia's identity cards (the first)
aaaa000000000002    en    Kable                  2015-03-14  X, two words edited
aaaa000000000003    en    Public Service         2015-03-20  X, its last sentence dropped
bbbb000000000001    de    Heise Online           2019-02-01  Y: die elektronische Akte (the first)
bbbb000000000002    de    eGovernment Computing  (none)      Y, a word edited, undated
cccc000000000001    en    Computer Weekly        2016-05-05  Z1: identity cards too, its own text
cccc000000000002    en    Kable                  2021-01-01  Z2: identity cards too, its own text
==================  ====  =====================  ==========  =======================================

X and Y are clusters of copies (the resemblance of their 5-word shingles to
the first member is well above 0.8); Z1 and Z2 share X's subject and words
("digital identity cards") but not its text, and fold with nothing.
"""

from __future__ import annotations

from pathlib import Path

from indexing_support import page, write_page

X1, X2, X3 = "aaaa000000000001", "aaaa000000000002", "aaaa000000000003"
Y1, Y2 = "bbbb000000000001", "bbbb000000000002"
Z1, Z2 = "cccc000000000001", "cccc000000000002"

_X = [
    "Estonia extends its digital identity cards to every resident of the country from the spring.",
    "The cabinet said on Tuesday that the cards would also sign tax returns, prescriptions and "
    "contracts online, and that the old paper forms would be withdrawn over the next three years.",
    "Officials in Tallinn expect more than a million cards to be in use by the end of the year, "
    "and the ministry has asked banks and mobile operators to accept them for logins as well.",
    "Critics in parliament warned that the chips had been found to have a security flaw in the "
    "past and asked the government to publish the results of an independent audit first.",
    "The ministry replied that the new generation of cards had been tested by two laboratories.",
]
_X2 = [p.replace("Tuesday", "Wednesday").replace("Critics", "Opponents") for p in _X]
_Y = [
    "Die Landesregierung führt die elektronische Akte bis zum Jahresende in allen Ämtern und "
    "Behörden des Landes ein, wie das Innenministerium am Montag in der Landeshauptstadt mitteilte.",
    "Nach Angaben des Ministeriums sollen die Bürgerinnen und Bürger ihre Anträge künftig vollständig "
    "online stellen und den Stand ihres Verfahrens jederzeit im Bürgerportal verfolgen können.",
    "Die Kommunen hatten zuvor mehr Geld für Personal und Schulungen gefordert, weil viele Ämter "
    "nach wie vor mit Papier arbeiten und die Umstellung nur langsam vorankommt.",
    "Der Landkreistag begrüßte den Zeitplan, mahnte aber eine einheitliche Software für alle Kreise an.",
]
_Y2 = [p.replace("Montag", "Dienstag") for p in _Y]

PAGES: dict[str, str] = {
    f"2015/001_{X1}.txt": page(*_X, source="Computer Weekly", published="12.03.2015"),
    f"2015/002_{X2}.txt": page(*_X2, source="Kable", published="14.03.2015"),
    f"2015/003_{X3}.txt": page(*_X[:-1], source="Public Service", published="20.03.2015"),
    f"2019/004_{Y1}.txt": page(*_Y, source="Heise Online", published="01.02.2019"),
    f"2019/005_{Y2}.txt": page(*_Y2, source="eGovernment Computing", published=""),
    f"2016/006_{Z1}.txt": page(
        "Belgium hands out digital identity cards with a reader to pensioners who ask for one.",
        "The scheme was launched in Brussels after complaints that the online tax office was too "
        "hard to use without help, according to the federal ministry for the digital agenda.",
        source="Computer Weekly", published="05.05.2016"),
    f"2021/007_{Z2}.txt": page(
        "Digital identity cards remain rare in the United Kingdom, a committee of peers has found.",
        "Its report calls on the government to set out a plan for a voluntary card and to explain "
        "how private firms that check identities online would be regulated in future.",
        source="Kable", published="01.01.2021"),
}


def make_copies_archive(root: Path, pages: dict[str, str] | None = None) -> Path:
    """The archive above (or `pages`) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in (PAGES if pages is None else pages).items():
        write_page(root, rel, text)
    return root


def build(archive: Path, index: Path) -> Path:
    """Index `archive` at `index` (the indexer finds the copies); return `index`."""
    from egovsearch.core import copies
    from egovsearch.engine.store import generation
    from egovsearch.engine.writer import update_index

    update_index(archive, index, jobs=1)
    assert (index / copies.CLUSTERS_NAME.format(generation(index))).exists()
    return index
