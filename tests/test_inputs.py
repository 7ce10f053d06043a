from __future__ import annotations

import json
from pathlib import Path

from arms_extract.batch.inputs import read_articles


def one(path: Path):  # type: ignore[no-untyped-def]
    [item] = list(read_articles(path))
    return item


def test_text_file_with_and_without_title(tmp_path: Path) -> None:
    titled = tmp_path / "a.txt"
    titled.write_text("US approves Tomahawk sale to Japan\n\nThe United States has agreed to sell.\n")
    item = one(titled)
    assert item.article.title == "US approves Tomahawk sale to Japan"
    assert item.article.text.startswith("The United States")
    assert item.article.id == "a"
    plain = tmp_path / "b.md"
    plain.write_text("The United States has agreed to sell Japan 400 missiles.\nMore text.")
    assert one(plain).article.title is None
    heading = tmp_path / "c.md"
    heading.write_text("# Big sale\nThe text.")
    assert (one(heading).article.title, one(heading).article.text) == ("Big sale", "The text.")


def test_jsonl_with_one_bad_line_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "1", "text": "Japan buys missiles.", "published": "2024-11-18", "url": "u"}),
        "{not json",
        json.dumps({"id": "3", "text": ""}),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "5", "text": "Korea buys jets.", "date": "2014-01-14"}),
        json.dumps({"id": "6", "text": "x", "published": "yesterday"}),
    ]
    path.write_text("\n".join(lines) + "\n\n")
    items = list(read_articles(path))
    assert [i.article.id for i in items if i.article] == ["1", "5"]
    assert items[0].article.published.isoformat() == "2024-11-18"
    assert items[4].article.published.isoformat() == "2014-01-14"
    errors = [str(i.error) for i in items if i.error]
    assert errors == [
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes",
        f"{path}:3: missing or empty 'text'",
        f"{path}:4: missing 'id'",
        f"{path}:6: 'published' is not an ISO date: 'yesterday'",
    ]


def test_json_file_with_a_list(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"id": "a", "text": "one"}, {"id": "b", "text": "two"}]))
    assert [i.article.id for i in read_articles(path)] == ["a", "b"]


def test_bad_files_give_one_clear_error_each(tmp_path: Path) -> None:
    cases = {
        "missing.txt": (None, "no such file"),
        "empty.txt": (b"", "the file is empty"),
        "blank.txt": (b"  \n\t\n", "the file is empty"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        "latin1.txt": ("café arms".encode("latin-1"), "not valid UTF-8 (byte 3"),
        "broken.json": (b'{"id": 1,', "invalid JSON"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        item = one(path)
        assert item.article is None
        assert str(item.error).startswith(str(path))
        assert message in str(item.error)
    assert "is a directory" in str(one(tmp_path).error)


def test_utf8_bom_and_non_ascii_survive(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffMüller sagte: «Straße frei».".encode())
    assert one(path).article.text == "Müller sagte: «Straße frei»."


def test_an_empty_feed_is_an_error_not_silence(tmp_path: Path) -> None:
    feed = tmp_path / "empty.jsonl"
    feed.write_text("\n\n", encoding="utf-8")
    [item] = list(read_articles(feed))
    assert item.article is None and str(item.error) == f"{feed}: the file is empty"


def test_a_link_loop_in_a_followed_folder_ends(tmp_path: Path) -> None:
    from arms_extract.batch.inputs import expand_inputs

    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("An article.", encoding="utf-8")
    (tmp_path / "news" / "again").symlink_to(tmp_path / "news", target_is_directory=True)
    expanded = expand_inputs([tmp_path / "news"], follow_links=True)
    assert [p.name for p in expanded.files] == ["a.txt"]
