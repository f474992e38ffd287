"""Feed shapes for the benchmark, written to resemble what real publishers serve.

Each renderer takes a feed number, its entries (bench/feedserver.py makes them) and the
server's address, and returns (body bytes, Content-Type). The shapes follow the public
descriptions of each kind of feed (see /work/shared/source-facts.md and the formats' own
specifications); the wording is ours. `MIX` says how many of every 100 feeds take each
shape: roughly what a researcher following AI-copyright disputes subscribes to (blogs on
WordPress, newsletters on Substack, Google News searches, court dockets, podcasts, a
few video channels, a few older or non-UTF-8 sites, a few blogs still served through
FeedBurner).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Protocol
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from feedserver import Entry


class Renderer(Protocol):
    def __call__(self, feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]: ...


NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "media": "http://search.yahoo.com/mrss/",
    "yt": "http://www.youtube.com/xml/schemas/2015",
    "cc": "http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html",
    "thr": "http://purl.org/syndication/thread/1.0",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rss1": "http://purl.org/rss/1.0/",
}
PUBLISHERS = ["Harbour Ledger", "The Midland Courier", "Northgate Review", "Civic Wire",
              "Lakeside Tribune", "The Quarterly Brief"]


def xmlns(*prefixes: str) -> str:
    return " ".join(f'xmlns:{p}="{NS[p]}"' for p in prefixes)


def cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def rfc822(when: datetime) -> str:
    return format_datetime(when)


def rfc3339(when: datetime) -> str:
    return when.isoformat()


def newest(entries: Sequence[Entry]) -> datetime:
    return entries[0].published if entries else datetime(2025, 11, 1, tzinfo=timezone.utc)


def utf8(text: str, ctype: str) -> tuple[bytes, str]:
    return text.encode("utf-8"), ctype


# -- plain shapes (the benchmark's original two) ----------------------------------------------

def plain_rss(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
        f'<guid isPermaLink="false">{escape(e.guid)}</guid>'
        f"<pubDate>{rfc822(e.published)}</pubDate>"
        f"<description>{escape(e.summary)}</description></item>\n" for e in entries)
    return utf8('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
                f"<title>Bench News {feed}</title><link>{site}/</link>"
                f"<description>Synthetic RSS feed {feed}</description>"
                f"<lastBuildDate>{rfc822(newest(entries))}</lastBuildDate>\n"
                f"{items}</channel></rss>\n", "application/rss+xml; charset=utf-8")


def plain_atom(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    items = "".join(
        f"<entry><title>{escape(e.title)}</title><link href={quoteattr(e.link)}/>"
        f"<id>{escape(e.guid)}</id><updated>{rfc3339(e.published)}</updated>"
        f"<summary>{escape(e.summary)}</summary></entry>\n" for e in entries)
    return utf8('<?xml version="1.0" encoding="utf-8"?>\n'
                f'<feed xmlns="{NS["atom"]}">\n<title>Bench News {feed}</title>'
                f'<link href="{site}/"/><id>urn:bench:feed-{feed}</id>'
                f"<updated>{rfc3339(newest(entries))}</updated>\n{items}</feed>\n",
                "application/atom+xml; charset=utf-8")


# -- blogs --------------------------------------------------------------------------------------

def wordpress_rss(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """WordPress's RSS 2.0: content:encoded beside a short description, dc:creator, comment
    counts, categories in CDATA, a guid that is the ?p= address, an atom self link."""
    items = []
    for n, e in enumerate(entries):
        items.append(
            f"<item>\n\t\t<title>{escape(e.title)}</title>\n\t\t<link>{escape(e.link)}</link>\n"
            f"\t\t<comments>{escape(e.link)}#respond</comments>\n"
            f"\t\t<dc:creator>{cdata('Staff writer')}</dc:creator>\n"
            f"\t\t<pubDate>{format_datetime(e.published.astimezone(timezone.utc))}</pubDate>\n"
            f"\t\t<category>{cdata('Technology')}</category>"
            f"<category>{cdata('Policy')}</category>\n"
            f'\t\t<guid isPermaLink="false">{site}/?p={1000 + n}</guid>\n'
            f"\t\t<description>{cdata(e.summary[:160] + ' [&#8230;]')}</description>\n"
            f"\t\t<content:encoded>{cdata('<p>' + e.summary + '</p><p>Read more.</p>')}"
            "</content:encoded>\n"
            f"\t\t<wfw:commentRss>{escape(e.link)}feed/</wfw:commentRss>\n"
            f"\t\t<slash:comments>{n % 7}</slash:comments>\n\t</item>\n")
    return utf8(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n\t'
        f'{xmlns("content", "wfw", "dc", "atom", "sy", "slash")}\n\t>\n<channel>\n'
        f"\t<title>Policy Notes {feed}</title>\n"
        f'\t<atom:link href="{site}/feed/" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{site}</link>\n\t<description>Law, technology and the press</description>\n"
        f"\t<lastBuildDate>{rfc822(newest(entries))}</lastBuildDate>\n"
        "\t<language>en-US</language>\n\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        "\t<generator>https://wordpress.org/?v=6.8</generator>\n"
        f"<image>\n\t<url>{site}/icon-32x32.png</url>\n\t<title>Policy Notes {feed}</title>\n"
        f"\t<link>{site}</link>\n\t<width>32</width>\n\t<height>32</height>\n</image>\n"
        + "".join(items) + "</channel>\n</rss>\n", "application/rss+xml; charset=UTF-8")


def wordpress_atom(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """WordPress's Atom: xml:base on the feed and on each content, threading links."""
    items = []
    for n, e in enumerate(entries):
        path = e.link.removeprefix(site)
        items.append(
            f"\t<entry>\n\t\t<author>\n\t\t\t<name>Staff writer</name>\n"
            f"\t\t\t<uri>{site}/author/staff/</uri>\n\t\t</author>\n"
            f'\t\t<title type="html"><![CDATA[{e.title}]]></title>\n'
            f'\t\t<link rel="alternate" type="text/html" href="{escape(path)}" />\n'
            f"\t\t<id>{site}/?p={2000 + n}</id>\n"
            f"\t\t<updated>{rfc3339(e.published + timedelta(hours=1))}</updated>\n"
            f"\t\t<published>{rfc3339(e.published)}</published>\n"
            f'\t\t<category scheme="{site}" term="Policy" />\n'
            f'\t\t<summary type="html"><![CDATA[{e.summary[:160]} [&#8230;]]]></summary>\n'
            f'\t\t<content type="html" xml:base="{escape(e.link)}">'
            f"<![CDATA[<p>{e.summary}</p>]]></content>\n"
            f'\t\t<link rel="replies" type="text/html" href="{escape(path)}#comments" '
            f'thr:count="{n % 5}" />\n'
            f'\t\t<link rel="replies" type="application/atom+xml" '
            f'href="{escape(path)}feed/atom/" thr:count="{n % 5}" />\n'
            f"\t\t<thr:total>{n % 5}</thr:total>\n\t</entry>\n")
    return utf8(
        f'<?xml version="1.0" encoding="UTF-8"?><feed\n  xmlns="{NS["atom"]}"\n  '
        f'xmlns:thr="{NS["thr"]}"\n  xml:lang="en-GB"\n  xml:base="{site}/wp-atom.php"\n  >\n'
        f'\t<title type="text">Court Watch {feed}</title>\n'
        '\t<subtitle type="text">Notes from the courtroom</subtitle>\n\n'
        f"\t<updated>{rfc3339(newest(entries))}</updated>\n\n"
        f'\t<link rel="alternate" type="text/html" href="{site}" />\n'
        f"\t<id>{site}/feed/atom/</id>\n"
        f'\t<link rel="self" type="application/atom+xml" href="{site}/feed/atom/" />\n\n'
        '\t<generator uri="https://wordpress.org/" version="6.8">WordPress</generator>\n'
        + "".join(items) + "</feed>\n", "application/atom+xml; charset=UTF-8")


def substack(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A Substack newsletter: itunes channel tags, CDATA everywhere, an image enclosure."""
    items = "".join(
        f"<item><title>{cdata(e.title)}</title><description>{cdata(e.summary[:200])}"
        f"</description><link>{escape(e.link)}</link>"
        f'<guid isPermaLink="false">{escape(e.link)}</guid>'
        f"<dc:creator>{cdata('A. Writer')}</dc:creator><pubDate>{rfc822(e.published)}</pubDate>"
        f'<enclosure url="{site}/img/{feed}-{n}.jpg" length="0" type="image/jpeg"/>'
        f"<content:encoded>{cdata('<p>' + e.summary + '</p>')}</content:encoded></item>"
        for n, e in enumerate(entries))
    return utf8(
        '<?xml version="1.0" encoding="UTF-8"?><rss '
        f'{xmlns("dc", "content", "atom")} version="2.0" {xmlns("itunes")}><channel>'
        f"<title>{cdata(f'The Licensing Letter {feed}')}</title>"
        f"<description>{cdata('Weekly notes on AI and rights')}</description>"
        f"<link>{site}</link><image><url>{site}/img/logo.png</url>"
        f"<title>The Licensing Letter {feed}</title><link>{site}</link></image>"
        "<generator>Substack</generator>"
        f"<lastBuildDate>{rfc822(newest(entries))}</lastBuildDate>"
        f'<atom:link href="{site}/feed" rel="self" type="application/rss+xml"/>'
        f"<copyright>{cdata('A. Writer')}</copyright><language>{cdata('en')}</language>"
        f"<webMaster>{cdata('letter@example.org')}</webMaster>"
        f"<itunes:owner><itunes:email>{cdata('letter@example.org')}</itunes:email>"
        f"<itunes:name>{cdata('A. Writer')}</itunes:name></itunes:owner>"
        f"<itunes:author>{cdata('A. Writer')}</itunes:author>"
        "<itunes:explicit>No</itunes:explicit>"
        f'<itunes:image href="{site}/img/cover.jpg"/>'
        f"{items}</channel></rss>", "application/xml; charset=utf-8")


def medium(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """Medium's RSS: the cc namespace declared, atom:updated beside pubDate, content only."""
    items = "".join(
        f"<item><title>{cdata(e.title)}</title><link>{escape(e.link)}?source=rss</link>"
        f'<guid isPermaLink="false">{site}/p/{feed:x}{n:04x}</guid>'
        f"<category>{cdata('copyright')}</category><category>{cdata('ai')}</category>"
        f"<dc:creator>{cdata('M. Author')}</dc:creator><pubDate>{rfc822(e.published)}</pubDate>"
        f"<atom:updated>{e.published.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%S.000Z}"
        "</atom:updated>"
        f"<content:encoded>{cdata('<h3>' + e.title + '</h3><p>' + e.summary + '</p>')}"
        "</content:encoded></item>" for n, e in enumerate(entries))
    return utf8(
        '<?xml version="1.0" encoding="UTF-8"?><rss '
        f'{xmlns("dc", "content", "atom", "cc")} version="2.0"><channel>'
        f"<title>{cdata(f'Stories by M. Author {feed}')}</title>"
        f"<description>{cdata('Stories on Medium')}</description><link>{site}/@author</link>"
        f"<image><url>{site}/img/author.png</url><title>Stories by M. Author</title>"
        f"<link>{site}/@author</link></image><generator>Medium</generator>"
        f"<lastBuildDate>{rfc822(newest(entries))}</lastBuildDate>"
        f'<atom:link href="{site}/feed/@author" rel="self" type="application/rss+xml"/>'
        f"<webMaster>{cdata('yourfriends@example.org')}</webMaster>"
        f'<atom:link href="http://hub.example.org/" rel="hub"/>'
        f"{items}</channel></rss>", "text/xml; charset=UTF-8")


def feedburner(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A blog served through FeedBurner: Atom's namespace under the "atom10" prefix, proxy
    links with the original in feedburner:origLink. The fast reader leaves these to
    feedparser (it takes each known namespace under its usual prefix only)."""
    proxy = f"https://feeds.feedburner.example/~r/blog{feed}/~3"
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{proxy}/{n}/</link>"
        f"<pubDate>{rfc822(e.published)}</pubDate><guid isPermaLink=\"false\">{escape(e.guid)}"
        f"</guid><description>{escape(e.summary)}</description>"
        f"<feedburner:origLink>{escape(e.link)}</feedburner:origLink></item>"
        for n, e in enumerate(entries))
    return utf8(
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:feedburner='
        '"http://rssnamespace.org/feedburner/ext/1.0" version="2.0"><channel>'
        f"<title>Blog {feed}</title><link>{site}/</link><description>Notes</description>"
        f'<atom10:link xmlns:atom10="{NS["atom"]}" rel="self" type="application/rss+xml" '
        f'href="https://feeds.feedburner.example/blog{feed}" /><feedburner:info '
        f'uri="blog{feed}" /><atom10:link xmlns:atom10="{NS["atom"]}" rel="hub" '
        'href="https://hub.example/" />' + items + "</channel></rss>",
        "text/xml; charset=UTF-8")


# -- news search, dockets, podcasts, video ------------------------------------------------------

def google_news(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A Google News search feed: "headline - publisher", opaque redirect links, a <source>,
    a description that repeats the headline as a link and names the publisher."""
    items = []
    for n, e in enumerate(entries):
        publisher = PUBLISHERS[(feed + n) % len(PUBLISHERS)]
        opaque = f"CBMi{feed:04d}{n:04d}QUFVX3lxTE1" + "x" * 40
        link = f"{site}/rss/articles/{opaque}?oc=5"
        desc = (f'<a href="{link}" target="_blank">{escape(e.title)}</a>&nbsp;&nbsp;'
                f'<font color="#6f6f6f">{publisher}</font>')
        items.append(
            f"<item><title>{escape(e.title)} - {publisher}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{opaque}</guid><pubDate>'
            f"{format_datetime(e.published.astimezone(timezone.utc), usegmt=True)}</pubDate>"
            f"<description>{escape(desc)}</description>"
            f'<source url="https://www.{publisher.lower().replace(" ", "")}.example">'
            f"{publisher}</source></item>")
    return utf8(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0" '
        f'xmlns:media="{NS["media"]}"><channel><generator>NFE/5.0</generator>'
        f"<title>&quot;query {feed}&quot; - Google News</title><link>{site}/search?q={feed}"
        "&amp;hl=en-US&amp;gl=US&amp;ceid=US:en</link><language>en-US</language>"
        "<webMaster>news-webmaster@example.org</webMaster>"
        "<copyright>Copyright 2026 Google. All rights reserved. This XML feed is made "
        "available solely for the purpose of rendering Google News results within a "
        "personal feed reader for personal, non-commercial use. Any other use of the feed "
        "is expressly prohibited.</copyright>"
        f"<lastBuildDate>{format_datetime(newest(entries), usegmt=True)}</lastBuildDate>"
        f"<image><title>Google News</title><url>{site}/logo.png</url><link>{site}/</link>"
        "<height>32</height><width>32</width></image>"
        "<description>Google News</description>"
        + "".join(items) + "</channel></rss>", "application/xml; charset=utf-8")


DOCKET_TEXT = ["ORDER granting motion for extension of time to answer",
               "NOTICE of Appearance by counsel for the defendant",
               "MOTION for Leave to File Excess Pages", "Minute Entry for status conference",
               "LETTER addressed to the Court regarding the discovery schedule",
               "TRANSCRIPT of proceedings held before the magistrate"]


def docket(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A CourtListener docket feed (Django's Atom): every entry links to the docket page
    with a fragment, dates are midnight US/Pacific, the enclosure's type reads "None".

    The case here is not one of the seeded disputes, so nothing in it matches."""
    case = f"Doe v. Example Analytics Corp. {feed}, 1:26-cv-{feed:05d}"
    page = f"{site}/docket/{70000000 + feed}/doe-v-example-analytics-corp/"
    items = []
    for n, e in enumerate(entries):
        number = len(entries) - n
        day = e.published.astimezone(timezone(timedelta(hours=-7))).replace(
            hour=0, minute=0, second=0, microsecond=0)
        text = DOCKET_TEXT[(feed + n) % len(DOCKET_TEXT)]
        items.append(
            f"<entry><title>Entry #{number} in {escape(case)}</title>"
            f'<link href="{page}?order_by=desc#entry-{number}" rel="alternate"/>'
            f"<published>{day.isoformat()}</published>"
            f"<id>{page}?order_by=desc#entry-{number}</id>"
            f'<summary type="html">{escape(text)}</summary>'
            f'<link href="{site}/recap/gov.uscourts.{feed}.{number}.0.pdf" length="0" '
            'rel="enclosure" type="None"/></entry>')
    return utf8(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="{NS["atom"]}" xml:lang="en-us">'
        f"<title>Docket updates for {escape(case)}</title>"
        f'<link href="{site}/" rel="alternate"/><link href="{page}feed/" rel="self"/>'
        f"<id>{site}/</id><updated>{rfc3339(newest(entries))}</updated>"
        "<author><name>Free Law Project</name></author>"
        + "".join(items) + "</feed>", "application/atom+xml; charset=utf-8")


def podcast(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A podcast: itunes tags on the channel and each episode, an audio enclosure, the
    show notes in description and itunes:summary (the same text, as hosts do)."""
    items = "".join(
        f"<item><title>{escape(e.title)}</title>"
        f"<itunes:title>{escape(e.title)}</itunes:title>"
        f"<description>{cdata('<p>' + e.summary + '</p>')}</description>"
        f"<itunes:summary>{escape(e.summary)}</itunes:summary>"
        f"<link>{escape(e.link)}</link>"
        f'<guid isPermaLink="false">{escape(e.guid)}</guid><pubDate>{rfc822(e.published)}'
        f'</pubDate><enclosure url="{site}/audio/{feed}/{n}.mp3" length="{31_000_000 + n}" '
        'type="audio/mpeg"/>'
        f"<itunes:author>The Docket Hour</itunes:author>"
        f"<itunes:duration>{40 + n % 20}:{n % 60:02d}</itunes:duration>"
        f'<itunes:image href="{site}/art/{feed}.jpg"/><itunes:explicit>false</itunes:explicit>'
        f"<itunes:episode>{len(entries) - n}</itunes:episode>"
        "<itunes:episodeType>full</itunes:episodeType></item>"
        for n, e in enumerate(entries))
    return utf8(
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {xmlns("itunes", "content")}'
        f' {xmlns("atom")}><channel><title>The Docket Hour {feed}</title>'
        f'<atom:link href="{site}/podcast.xml" rel="self" type="application/rss+xml"/>'
        f"<link>{site}/</link><language>en</language><copyright>2026 The Docket Hour"
        "</copyright><itunes:author>The Docket Hour</itunes:author>"
        "<description>Weekly talk about the law of AI.</description>"
        "<itunes:summary>Weekly talk about the law of AI.</itunes:summary>"
        "<itunes:type>episodic</itunes:type><itunes:owner><itunes:name>The Docket Hour"
        "</itunes:name><itunes:email>host@example.org</itunes:email></itunes:owner>"
        f'<itunes:image href="{site}/art/show.jpg"/>'
        '<itunes:category text="News"><itunes:category text="Tech News"/></itunes:category>'
        "<itunes:explicit>false</itunes:explicit>"
        f"{items}</channel></rss>", "application/rss+xml; charset=utf-8")


def youtube(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A YouTube channel feed: yt ids, the description inside media:group."""
    items = "".join(
        f"<entry><id>yt:video:v{feed:04d}{n:06d}</id><yt:videoId>v{feed:04d}{n:06d}"
        f"</yt:videoId><yt:channelId>UC{feed:022d}</yt:channelId>"
        f"<title>{escape(e.title)}</title>"
        f'<link rel="alternate" href="{escape(e.link)}"/><author><name>Law Channel {feed}'
        f"</name><uri>{site}/channel/UC{feed:022d}</uri></author>"
        f"<published>{rfc3339(e.published)}</published>"
        f"<updated>{rfc3339(e.published + timedelta(days=1))}</updated>"
        f"<media:group><media:title>{escape(e.title)}</media:title>"
        f'<media:content url="{site}/v/{feed}/{n}" type="application/x-shockwave-flash" '
        'width="640" height="390"/>'
        f'<media:thumbnail url="{site}/vi/{feed}/{n}/hqdefault.jpg" width="480" height="360"/>'
        f"<media:description>{escape(e.summary)}</media:description>"
        f'<media:community><media:starRating count="{n * 3}" average="5.00" min="1" max="5"/>'
        f'<media:statistics views="{n * 101}"/></media:community></media:group></entry>'
        for n, e in enumerate(entries))
    return utf8(
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed '
        f'xmlns:yt="{NS["yt"]}" xmlns:media="{NS["media"]}" xmlns="{NS["atom"]}">'
        f'<link rel="self" href="{site}/feeds/videos.xml?channel_id=UC{feed:022d}"/>'
        f"<id>yt:channel:{feed:022d}</id><yt:channelId>{feed:022d}</yt:channelId>"
        f"<title>Law Channel {feed}</title>"
        f'<link rel="alternate" href="{site}/channel/UC{feed:022d}"/>'
        f"<author><name>Law Channel {feed}</name><uri>{site}/channel/UC{feed:022d}</uri>"
        f"</author><published>2019-03-01T10:00:00+00:00</published>{items}</feed>",
        "text/xml; charset=UTF-8")


# -- older and non-UTF-8 sites -----------------------------------------------------------------

def rss1(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """RSS 1.0 (RDF), as older news sites and many blog engines still serve it."""
    seq = "".join(f'<rdf:li rdf:resource="{escape(e.link)}"/>' for e in entries)
    items = "".join(
        f'<item rdf:about="{escape(e.link)}"><title>{escape(e.title)}</title>'
        f"<link>{escape(e.link)}</link><description>{escape(e.summary)}</description>"
        f"<dc:creator>Desk {feed}</dc:creator><dc:subject>Law</dc:subject>"
        f"<dc:date>{rfc3339(e.published)}</dc:date></item>\n" for e in entries)
    return utf8(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<rdf:RDF xmlns:rdf="{NS["rdf"]}" xmlns="{NS["rss1"]}" {xmlns("dc")} '
        f'xml:lang="en">\n<channel rdf:about="{site}/index.rdf"><title>Old Wire {feed}'
        f"</title><link>{site}/</link><description>Headlines</description>"
        f"<dc:language>en</dc:language><dc:date>{rfc3339(newest(entries))}</dc:date>"
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>\n{items}</rdf:RDF>\n",
        "application/rdf+xml")


def latin1(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A European publisher's RSS declared ISO-8859-1 (or windows-1252), HTTP silent."""
    encoding = "windows-1252" if feed % 2 else "ISO-8859-1"
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
        f"<description>{escape(e.summary)} (Société Éditrice)</description>"
        f"<author>rédaction@example.fr (Rédaction)</author>"
        f"<guid>{escape(e.link)}</guid><pubDate>{rfc822(e.published)}</pubDate></item>\n"
        for e in entries)
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
            f"<title>Le Café Numérique {feed}</title><link>{site}/</link>"
            "<description>Actualités du droit et des données</description>"
            f"<language>fr</language>\n{items}</channel></rss>\n")
    return text.encode(encoding, "xmlcharrefreplace"), "application/rss+xml"


def shift_jis(feed: int, entries: Sequence[Entry], site: str) -> tuple[bytes, str]:
    """A Japanese site's RSS 2.0 in Shift_JIS, named both in the declaration and in HTTP."""
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
        f"<description>{escape(e.summary)}（速報）</description>"
        f"<pubDate>{rfc822(e.published)}</pubDate></item>\n" for e in entries)
    text = ('<?xml version="1.0" encoding="Shift_JIS"?>\n<rss version="2.0"><channel>'
            f"<title>テック法務ニュース {feed}</title><link>{site}/</link>"
            "<description>著作権とAIの話題</description><language>ja</language>\n"
            f"{items}</channel></rss>\n")
    return text.encode("shift_jis", "xmlcharrefreplace"), "text/xml; charset=Shift_JIS"


SHAPES: dict[str, Renderer] = {
    "rss": plain_rss, "atom": plain_atom, "wordpress": wordpress_rss,
    "wordpress-atom": wordpress_atom, "substack": substack, "medium": medium,
    "google-news": google_news, "docket": docket, "podcast": podcast, "youtube": youtube,
    "rss1": rss1, "latin1": latin1, "shift-jis": shift_jis, "feedburner": feedburner,
}
# Of every 100 feeds; plain RSS and Atom stand for the publishers' own hand-made feeds.
MIX: dict[str, int] = {
    "wordpress": 20, "google-news": 16, "docket": 10, "substack": 10, "wordpress-atom": 8,
    "podcast": 6, "medium": 4, "youtube": 4, "rss1": 4, "latin1": 4, "shift-jis": 2,
    "feedburner": 4, "rss": 3, "atom": 5,
}
assert sum(MIX.values()) == 100 and set(MIX) <= set(SHAPES)


def shape_of(feed: int, mix: str) -> str:
    """The shape of feed number `feed`: "plain" alternates RSS and Atom (the old benchmark),
    "real" spreads `MIX` evenly over the feed numbers."""
    if mix == "plain":
        return "rss" if feed % 2 == 0 else "atom"
    slot = (feed * 37) % 100  # 37 is prime to 100: every slot once in each 100 feeds
    for name, share in MIX.items():
        if slot < share:
            return name
        slot -= share
    raise AssertionError("MIX adds up to 100")

