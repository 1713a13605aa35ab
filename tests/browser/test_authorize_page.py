"""The authorization code flow in the browser: Chromium follows the /authorize page's answer to the client's loopback
address (the page's CSP lets its form go there), and the code it carries is exchanged for tokens."""
import http.server
import threading
import urllib.parse

from identity_center import unsigned
from test_portal_sign_in import NEW_PASSWORD, authorize_url, pkce_pair, portal, register_code_client


def callback_listener():
    """A loopback listener, as `aws sso login` runs, that keeps the queries it is sent."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<h1>Signed in</h1>")

        def log_message(self, *args):
            pass

    listener = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    return listener, received


def test_the_browser_follows_the_sign_in_to_the_loopback_client(server, page):
    setup = portal(server, users=("hana",))
    oidc = unsigned(server, "sso-oidc")
    client = register_code_client(oidc, setup["start_url"])
    verifier, challenge = pkce_pair()
    listener, received = callback_listener()
    redirect_uri = f"http://127.0.0.1:{listener.server_address[1]}/oauth/callback"
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        page.goto(authorize_url(server, client, redirect_uri, challenge, state="browser-state"))
        page.shots(page, "authorize")
        page.fill("#username", "hana")
        page.fill("#password", setup["passwords"]["hana"])
        page.click("button:has-text('Sign in and allow')")
        assert "one-time password" in page.inner_text("[role=alert]")
        page.fill("#password", setup["passwords"]["hana"])
        page.fill("#new_password", NEW_PASSWORD)
        page.click("button:has-text('Sign in and allow')")
        page.wait_for_url(redirect_uri + "*")
        page.shots(page, "callback")
    finally:
        listener.shutdown()
    assert blocked == []
    assert received and received[0]["state"] == "browser-state"
    token = oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"], grantType="authorization_code",
                              code=received[0]["code"], codeVerifier=verifier, redirectUri=redirect_uri)
    assert token["tokenType"] == "Bearer"
