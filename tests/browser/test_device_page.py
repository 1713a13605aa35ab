"""The device sign-in page in the browser: a terminal's code, confirmed and allowed by the user, signs the terminal in."""
from test_portal_sign_in import NEW_PASSWORD, portal, start_device
from identity_center import unsigned


def test_user_allows_a_terminal_on_the_device_page(server, page):
    setup = portal(server)
    oidc, started, poll = start_device(server, setup)
    page.goto(started["verificationUriComplete"])
    assert page.input_value("#user_code") == started["userCode"]
    page.shots(page, "device")
    page.fill("#username", "alice")
    page.fill("#password", setup["passwords"]["alice"])
    page.click("button:has-text('Sign in and allow')")
    assert "one-time password" in page.inner_text("[role=alert]")
    page.fill("#password", setup["passwords"]["alice"])
    page.fill("#new_password", NEW_PASSWORD)
    page.click("button:has-text('Sign in and allow')")
    assert "Sign-in approved" in page.inner_text("h1")
    page.shots(page, "approved")
    token = oidc.create_token(**poll)
    roles = unsigned(server, "sso").list_account_roles(accessToken=token["accessToken"], accountId=setup["member"])["roleList"]
    assert [role["roleName"] for role in roles] == ["Admin"]
