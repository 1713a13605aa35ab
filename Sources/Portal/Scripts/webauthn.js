// Gatehouse's only script: the WebAuthn ceremonies of the security key pages. A form with the id
// "webauthn-form" carries the server's challenge in data attributes; on submit the browser asks the
// security key, and the form posts its answer (base64url) for the server to check.
(function () {
  "use strict";
  var form = document.getElementById("webauthn-form");
  if (!form || !window.PublicKeyCredential) {
    var missing = document.getElementById("webauthn-error");
    if (missing && !window.PublicKeyCredential) missing.textContent = "This browser cannot use security keys.";
    return;
  }
  function encode(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function decode(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var binary = atob(padded), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  function ids(list) {
    return (list || "").split(",").filter(Boolean).map(function (id) { return { type: "public-key", id: decode(id) }; });
  }
  var data = form.dataset;
  form.addEventListener("submit", function (event) {
    if (data.done) return;
    event.preventDefault();
    var ask = data.mode === "register"
      ? navigator.credentials.create({ publicKey: {
          challenge: decode(data.challenge), rp: { id: data.rpId, name: "Gatehouse" },
          user: { id: decode(data.userId), name: data.userName, displayName: data.userName },
          pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -257 }],
          authenticatorSelection: { userVerification: "required" }, attestation: "none", timeout: 120000,
          excludeCredentials: ids(data.exclude) } })
      : navigator.credentials.get({ publicKey: {
          challenge: decode(data.challenge), rpId: data.rpId, userVerification: "required", timeout: 120000,
          allowCredentials: ids(data.allow) } });
    ask.then(function (credential) {
      form.elements.credential_id.value = encode(credential.rawId);
      form.elements.client_data.value = encode(credential.response.clientDataJSON);
      if (data.mode === "register") {
        form.elements.attestation.value = encode(credential.response.attestationObject);
      } else {
        form.elements.authenticator_data.value = encode(credential.response.authenticatorData);
        form.elements.signature.value = encode(credential.response.signature);
      }
      data.done = "1";
      form.submit();
    }).catch(function (error) {
      document.getElementById("webauthn-error").textContent = "The security key did not answer: " + error.message;
    });
  });
})();
