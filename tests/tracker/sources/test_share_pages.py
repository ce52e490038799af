"""How share pages are read: visible text only, names without the host's suffix."""

from tracker.kernel import LinkStatus
from tracker.sources.share_pages import is_login_redirect, item_name, judge_page, read_page


def test_words_in_scripts_are_not_what_the_page_says() -> None:
    page = read_page('<title>a.pth - Google Drive</title><script>"Request access"</script>'
                     "<style>.x:after{content:'does not exist'}</style><p>Preview</p>", "http://x")
    assert judge_page("drive", 200, page) == (LinkStatus.OK, None)
    assert item_name(page) == "a.pth"


def test_the_same_words_in_the_body_decide() -> None:
    page = read_page("<p>You need access</p><button>Request access</button>", "http://x")
    assert judge_page("drive", 200, page)[0] is LinkStatus.GATED
    assert judge_page("drive", 403, page)[0] is LinkStatus.GATED
    assert judge_page("drive", 403, read_page("<p>Forbidden</p>", "http://x"))[0] \
        is LinkStatus.PRIVATE


def test_names_come_from_og_title_then_title_minus_the_host() -> None:
    assert item_name(read_page('<meta property="og:title" content="w.ckpt">'
                               "<title>Dropbox - w.ckpt</title>", "http://x")) == "w.ckpt"
    assert item_name(read_page("<title>data.zip_免费高速下载|百度网盘-分享无限制</title>",
                               "http://x")) == "data.zip"
    assert item_name(read_page("<title>Google Drive</title>", "http://x")) is None


def test_sign_in_redirects() -> None:
    assert is_login_redirect("https://accounts.google.com/ServiceLogin?continue=x")
    assert is_login_redirect("https://login.microsoftonline.com/common/oauth2/authorize")
    assert is_login_redirect("https://www.dropbox.com/login?cont=x")
    assert is_login_redirect("https://idp.lab.edu/sso/login")
    assert not is_login_redirect("https://cdn.example.org/blob/login-screen.png")
    assert not is_login_redirect("https://onedrive.live.com/?id=1")
