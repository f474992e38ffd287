"""URL checks and the canonical form that recognises the same article twice."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.errors import InputError
from tracker.urls import _is_tracking, check_url, host_of, normalise_url, short_id


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://example.com/a?utm_source=x&utm_medium=y&utm_campaign=z", "https://example.com/a"),
        ("https://example.com/a?fbclid=IwAR0&id=3&gclid=Cj0", "https://example.com/a?id=3"),
        ("https://example.com/a?UTM_Source=x&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?utm%5Fsource=x&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?id=3#section-2", "https://example.com/a?id=3"),
        ("HTTPS://Example.COM/Path/Kept", "https://example.com/Path/Kept"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://Bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://日本.jp/記事", "https://xn--wgv71a.jp/記事"),
        ("https://example.com/a?z=1&b=2&a=3", "https://example.com/a?z=1&b=2&a=3"),
        ("https://example.com/a%2Fb?q=a%20b&x=%E6%9D%B1", "https://example.com/a%2Fb?q=a%20b&x=%E6%9D%B1"),
        ("https://example.com/a?q=a+b&utm_term=c", "https://example.com/a?q=a+b"),
        ("https://example.com/a?&&id=3&", "https://example.com/a?id=3"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a?flag&utm_source", "https://example.com/a?flag"),
        ("https://user:pw@Example.com/a", "https://user:pw@example.com/a"),
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
    ],
)
def test_normalise_url(url, canonical):
    assert normalise_url(url) == canonical
    assert normalise_url(canonical) == canonical


def test_the_same_story_gets_the_same_id():
    a = "https://www.example.com/story?id=1&utm_source=rss#top"
    b = "HTTPS://WWW.EXAMPLE.COM:443/story?id=1&fbclid=x"
    assert short_id(normalise_url(a)) == short_id(normalise_url(b))
    assert len(short_id(normalise_url(a))) == 10
    assert short_id(normalise_url(a)) != short_id(normalise_url("https://www.example.com/story"))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "file:///etc/passwd",
        "notaurl",
        "example.com/no-scheme",
        "//example.com/no-scheme",
        "http://",
        "https:///path-only",
        "http://:80/",
        "https://./",
        "https://../a",
        "https://example.com:99999/",
        "https://example.com:port/",
        "https://exa mple.com/",
        "https://example.com/a b",
        "https://example.com/\x00",
        "https://example.com/\x1b[2J",
        "https://example.com/\x7f",
        "https://example.com/\x9b31m",
        "https://example.com/a\nb",
        "https://example.com/a\tb",
        "",
    ],
)
def test_check_url_rejects(url):
    with pytest.raises(InputError, match="invalid URL") as info:
        check_url(url)
    assert info.value.hint and "http" in info.value.hint
    with pytest.raises(InputError):
        normalise_url(url)


def test_check_url_names_what_it_checked():
    with pytest.raises(InputError, match="invalid source URL 'x'"):
        check_url("x", what="source URL")


def test_check_url_accepts_and_strips():
    assert check_url(" https://example.com/a?b=1 \n") == "https://example.com/a?b=1"
    assert check_url("HTTP://example.com") == "HTTP://example.com"


def test_host_of():
    assert host_of("https://WWW.Example.com:8080/a") == "www.example.com"
    assert host_of("notaurl") == ""


# -- properties ----------------------------------------------------------------------------

_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_unicode_label = st.text(st.sampled_from("abcxyzäöüßéñ東京日本語"), min_size=1, max_size=8)
_host = st.lists(st.one_of(_label, _unicode_label), min_size=1, max_size=3).map(".".join).map(
    lambda h: h + ".com"
)
_chars = st.sampled_from("abcXYZ019-._~%20%2F!$'()*+,;=:@/")
_path = st.lists(st.text(_chars, max_size=8), max_size=4).map(lambda p: "/" + "/".join(p))
_tracking = st.sampled_from(
    ["utm_source", "UTM_Medium", "utm_campaign", "utm%5Fterm", "fbclid", "gclid", "msclkid",
     "mc_cid", "_ga", "pk_campaign", "igshid"]
)
_name = st.text(st.sampled_from("abcdefqxyz_-%2041"), min_size=1, max_size=6)
_value = st.text(st.sampled_from("abc123-_.%20+=/?東"), max_size=6)


@st.composite
def urls(draw: st.DrawFn, tracking: bool = True) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "HttpS"]))
    host = draw(_host)
    if draw(st.booleans()):
        host = host.upper()
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":1"]))
    params = draw(st.lists(st.tuples(st.one_of(_name, _tracking) if tracking else _name,
                                     _value), max_size=5))
    query = "&".join(f"{k}={v}" for k, v in params)
    fragment = draw(st.sampled_from(["", "#", "#top", "#a?utm_source=x"]))
    return f"{scheme}://{host}{port}{draw(_path)}{'?' + query if query else ''}{fragment}"


@settings(max_examples=300, deadline=None)
@given(urls())
@example("https://example.com/?utm_source=a&utm_source=b")
def test_normalise_is_idempotent(url):
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert check_url(once) == once  # the canonical form is itself a valid URL


@settings(max_examples=300, deadline=None)
@given(urls())
def test_tracking_parameters_never_survive(url):
    query = urlsplit(normalise_url(url)).query
    assert not any(_is_tracking(name) for name, _ in parse_qsl(query, keep_blank_values=True))
    assert "#" not in normalise_url(url)


@settings(max_examples=300, deadline=None)
@given(urls(tracking=False))
def test_other_parameters_keep_their_order_and_encoding(url):
    query = urlsplit(url.split("#")[0]).query
    kept = "&".join(pair for pair in query.split("&") if pair)
    assert urlsplit(normalise_url(url)).query == kept


_any_host = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=40), _any_host.map(lambda h: h + "/a"),
                 st.tuples(_any_host, _any_host).map(".".join)).map(lambda s: "https://" + s))
@example("https://¨")  # nameprep maps U+00A8 to a space
@example("https://․")  # and U+2024 to a dot
@example("https://a。b/")  # an ideographic full stop separates labels
def test_never_raises_on_what_check_url_accepts(url):
    try:
        check_url(url)
    except InputError:
        return
    once = normalise_url(url)  # must not raise anything
    assert normalise_url(once) == once


@settings(max_examples=200, deadline=None)
@given(urls(), st.characters(categories=["Cc"]), st.integers(min_value=0))
def test_control_characters_are_refused(url, control, at):
    i = 8 + at % (len(url) - 8)  # somewhere after the scheme, never at the ends
    with pytest.raises(InputError):
        check_url(url[:i] + control + url[i:] + "x")
