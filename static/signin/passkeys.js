// Passkeys on the admin's sign-in pages (clinic_site/signin/passkeys.py). A form marked
// data-passkey="sign-in" or "register" stays hidden unless this browser can use passkeys; its
// submit asks the server for options, lets the browser make or use the passkey, and sends the
// signed answer back. The typed code keeps working without any of this.
(function () {
  "use strict";

  var supported =
    window.PublicKeyCredential &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";

  function post(url, form, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || form.dataset.failed);
        }
        return data;
      });
    });
  }

  function run(form) {
    var status = form.querySelector("[role=status]");
    var registering = form.dataset.passkey === "register";
    status.textContent = "";
    post(form.dataset.options, form)
      .then(function (options) {
        if (registering) {
          var creation = PublicKeyCredential.parseCreationOptionsFromJSON(options);
          return navigator.credentials.create({ publicKey: creation });
        }
        var request = PublicKeyCredential.parseRequestOptionsFromJSON(options);
        return navigator.credentials.get({ publicKey: request });
      })
      .then(function (credential) {
        return post(form.dataset.finish, form, credential.toJSON());
      })
      .then(function (result) {
        window.location.assign(result.redirect);
      })
      .catch(function (error) {
        status.textContent = error && error.name === "NotAllowedError" ? form.dataset.failed : error.message;
      });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    if (!supported) {
      return;
    }
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form);
    });
  });
})();
