/*
 * The help centre's chat widget: plain JavaScript, no framework, nothing fetched from elsewhere.
 *
 * Mount point (the page provides it):
 *   <div id="assistant-widget" data-language="fr|en" data-invitation-code="CODE-or-empty"
 *        data-endpoint="/webhooks/rest/webhook" data-password-endpoint="/chat/password"
 *        data-texts="{JSON: the widget's words}"></div>
 *   <script src="/static/widget.js" defer></script>
 * The endpoint speaks Rasa's REST channel ({message, metadata, thread} -> [{text, buttons,
 * custom}]) on the page's own origin: the web app proxies it to Rasa, with a conversation id it
 * derives from its HttpOnly session cookie (this script never sees it). `thread` is this tab's
 * random id, so that two tabs are two conversations; it is no credential.
 *
 * The password typed in the masked field goes to the password endpoint, never to Rasa: the web
 * app checks and hashes it, answers {accepted} or the unmet rules, and on success only the
 * payload "/password_given" is sent to the assistant. Without a password endpoint the password
 * is sent as a chat message (Rasa's own path, masked in its logs).
 *
 * Limits: an HTTP 429 carries a short message, shown, and Retry-After; the widget tries again
 * by itself after that delay.
 *
 * Safety: message content only ever becomes text nodes (never innerHTML); **bold** and
 * [text](url) / bare URLs become elements built one by one, and a link is kept only for
 * http(s) or mailto. A password answer is never shown, stored, or kept after it is sent.
 */
(function () {
  "use strict";

  var root = document.getElementById("assistant-widget");
  if (!root || root.getAttribute("data-ready") === "1") {
    return;
  }
  root.setAttribute("data-ready", "1");

  var LANGUAGE = root.getAttribute("data-language") || "";
  var INVITATION_CODE = (root.getAttribute("data-invitation-code") || "").trim();
  var ENDPOINT = root.getAttribute("data-endpoint") || "/webhooks/rest/webhook";
  var PASSWORD_ENDPOINT = root.getAttribute("data-password-endpoint") || "";
  var PASSWORD_GIVEN = "/password_given";
  var AUTO_RETRY_MAX_SECONDS = 120; // longer waits: a Retry button instead
  // The proxy gives Rasa 30 s; a little more here so that its own 503 arrives first.
  var TIMEOUT_MS = 35000;
  var MAX_MESSAGE_CHARS = 5000; // what the proxy accepts
  var MASK = "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022";
  // One conversation per tab (sessionStorage), one per page language: an English page does not
  // continue a French conversation whose language is already set.
  var STORE_KEY = "assistant-widget:" + LANGUAGE;
  var ALLOWED_PROTOCOLS = { "http:": true, "https:": true, "mailto:": true };

  var T;
  try {
    // The words come from the server (bot/web/texts.py), in the page's language.
    T = JSON.parse(root.getAttribute("data-texts") || "");
  } catch (error) {
    return; // a page without the widget's words: no widget rather than empty buttons
  }

  // --- State kept for the tab: thread id, visible history, draft, password mode -------------

  function randomId() {
    var bytes = new Uint8Array(16); // 128 bits: this tab's thread of the session's conversations
    window.crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) {
      hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return hex;
  }

  function loadState() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && /^[0-9a-f]{32}$/.test(saved.id) && Array.isArray(saved.history)) {
        return {
          id: saved.id,
          history: saved.history.filter(function (entry) {
            return entry && (entry.from === "user" || entry.from === "bot");
          }),
          open: saved.open === true,
          awaitingPassword: saved.awaitingPassword === true,
          conversationLanguage: saved.conversationLanguage === "en" || saved.conversationLanguage === "fr" ? saved.conversationLanguage : "",
          draft: typeof saved.draft === "string" ? saved.draft : "",
        };
      }
    } catch (error) {
      // Storage disabled or unreadable: start a fresh conversation.
    }
    return { id: randomId(), history: [], open: false, awaitingPassword: false, conversationLanguage: "", draft: "" };
  }

  var state = loadState();

  // --- Building the DOM ---------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  var uid = "assistant-widget-" + state.id.slice(0, 8);

  var launcher = el("button", "aw-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-controls", uid + "-panel");
  launcher.setAttribute("aria-expanded", "false");
  // Its name is its visible text ("Besoin d'aide ?"): what a voice-control user says to click it.
  launcher.appendChild(el("span", "aw-launcher__icon", "\uD83D\uDCAC")).setAttribute("aria-hidden", "true");
  launcher.appendChild(el("span", "aw-launcher__text", T.launcher));

  var panel = el("section", "aw-panel");
  panel.id = uid + "-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", uid + "-title");
  panel.setAttribute("lang", LANGUAGE);

  // A div, not <header>: the page has its own banner, and a dialog's title bar is not one.
  var header = el("div", "aw-header");
  var title = el("h2", "aw-title", T.title);
  title.id = uid + "-title";
  var closeButton = el("button", "aw-close");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", T.close);
  closeButton.title = T.close;
  closeButton.appendChild(el("span", "", "\u00D7")).setAttribute("aria-hidden", "true");
  header.appendChild(title);
  header.appendChild(closeButton);

  var log = el("div", "aw-log");
  log.id = uid + "-log";
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", T.log);
  log.tabIndex = 0; // scrollable with the keyboard

  var status = el("div", "aw-status");
  status.hidden = true;

  var form = el("form", "aw-form");
  form.setAttribute("novalidate", "");
  var label = el("label", "aw-label", T.input);
  label.htmlFor = uid + "-input";
  var input = el("input", "aw-input");
  input.id = uid + "-input";
  input.type = "text";
  input.name = "message";
  input.maxLength = MAX_MESSAGE_CHARS;
  input.autocomplete = "off";
  input.setAttribute("aria-describedby", uid + "-hint");
  var hint = el("p", "aw-hint", "");
  hint.id = uid + "-hint";
  hint.hidden = true;
  var sendButton = el("button", "aw-send", T.send);
  sendButton.type = "submit";
  // The way out of the masked field: what is typed next goes to the assistant as a message
  // ("je veux parler à un conseiller"), not to the password check. The next password question
  // masks the field again.
  var leavePassword = el("button", "aw-leave-password", T.leavePassword);
  leavePassword.type = "button";
  leavePassword.hidden = true;
  var row = el("div", "aw-row");
  row.appendChild(input);
  row.appendChild(sendButton);
  form.appendChild(label);
  form.appendChild(row);
  form.appendChild(hint);
  form.appendChild(leavePassword);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);
  root.classList.add("aw-root");

  // --- Rendering bot text safely --------------------------------------------------------------

  // **bold**, [text](url), a bare http(s) URL, or an email address.
  var INLINE = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"]+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

  function safeHref(raw) {
    try {
      var url = new URL(raw, window.location.href);
      return ALLOWED_PROTOCOLS[url.protocol] ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function appendLink(parent, text, raw) {
    var href = safeHref(raw);
    if (!href) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var link = el("a", "aw-link", text);
    link.href = href;
    if (!/^mailto:/i.test(href)) {
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      var note = el("span", "aw-visually-hidden", " " + T.newTab);
      link.appendChild(note);
    }
    parent.appendChild(link);
  }

  function renderInline(parent, text, insideBold) {
    var position = 0;
    var match;
    INLINE.lastIndex = 0;
    var matches = [];
    while ((match = INLINE.exec(text)) !== null) {
      matches.push({ index: match.index, end: INLINE.lastIndex, groups: match.slice(1) });
    }
    matches.forEach(function (found) {
      if (found.index > position) {
        parent.appendChild(document.createTextNode(text.slice(position, found.index)));
      }
      var g = found.groups;
      if (g[0] !== undefined) {
        if (insideBold) {
          parent.appendChild(document.createTextNode(g[0]));
        } else {
          var strong = el("strong");
          renderInline(strong, g[0], true);
          parent.appendChild(strong);
        }
      } else if (g[1] !== undefined) {
        appendLink(parent, g[1], g[2]);
      } else if (g[3] !== undefined) {
        // A sentence's final punctuation is not part of the URL.
        var url = g[3].replace(/[.,;:!?)\u00BB]+$/, "");
        appendLink(parent, url, url);
        if (url.length < g[3].length) {
          parent.appendChild(document.createTextNode(g[3].slice(url.length)));
        }
      } else {
        appendLink(parent, g[4], "mailto:" + g[4]);
      }
      position = found.end;
    });
    if (position < text.length) {
      parent.appendChild(document.createTextNode(text.slice(position)));
    }
  }

  function renderBotText(parent, text) {
    String(text)
      .split("\n")
      .forEach(function (line, index) {
        if (index > 0) {
          parent.appendChild(el("br"));
        }
        renderInline(parent, line, false);
      });
  }

  // --- Transcript ---------------------------------------------------------------------------

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function speaker(name) {
    return el("span", "aw-visually-hidden", name + " : ");
  }

  function renderEntry(entry, index) {
    var item = el("div", "aw-message aw-message--" + entry.from);
    item.setAttribute("data-index", String(index));
    if (entry.from === "user") {
      item.appendChild(speaker(T.you));
      var said = el("span", "aw-said");
      if (entry.masked) {
        item.classList.add("aw-message--masked");
        var dots = el("span", "", MASK);
        dots.setAttribute("aria-hidden", "true");
        said.appendChild(dots);
        said.appendChild(el("span", "aw-visually-hidden", T.passwordSent));
      } else {
        said.textContent = entry.text; // what the user typed, as text
      }
      item.appendChild(said);
      log.appendChild(item);
      return;
    }
    item.appendChild(speaker(T.bot));
    var body = null;
    if (entry.text) {
      body = el("div", "aw-text");
      body.id = uid + "-text-" + index;
      renderBotText(body, entry.text);
      item.appendChild(body);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", "aw-buttons");
      group.setAttribute("role", "group");
      // The choices are named by the question they answer ("Cette réponse vous a-t-elle aidé ?").
      if (body) {
        group.setAttribute("aria-labelledby", body.id);
      } else {
        group.setAttribute("aria-label", T.choices);
      }
      entry.buttons.forEach(function (button) {
        var choice = el("button", "aw-choice", String(button.title || ""));
        choice.type = "button";
        choice.disabled = entry.used === true;
        choice.addEventListener("click", function () {
          if (busy) {
            return;
          }
          entry.used = true;
          setButtonsDisabled(group, true);
          send({
            payload: String(button.payload || ""),
            shown: String(button.title || ""),
            fromButtons: entry,
          });
        });
        group.appendChild(choice);
      });
      item.appendChild(group);
      entry.group = group;
    }
    log.appendChild(item);
  }

  function setButtonsDisabled(group, disabled) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
      button.disabled = disabled;
    });
  }

  function stored(entry) {
    // What may go to sessionStorage: never a DOM node, never a password.
    var copy = { from: entry.from };
    if (entry.masked) {
      copy.masked = true;
    } else if (entry.text) {
      copy.text = entry.text;
    }
    if (entry.buttons) {
      copy.buttons = entry.buttons;
      copy.used = entry.used === true;
    }
    return copy;
  }

  function addEntry(entry) {
    state.history.push(entry);
    renderEntry(entry, state.history.length - 1);
  }

  function persist() {
    var snapshot = {
      id: state.id,
      history: state.history.map(stored),
      open: state.open,
      awaitingPassword: state.awaitingPassword,
      conversationLanguage: state.conversationLanguage,
      draft: state.awaitingPassword ? "" : state.draft,
    };
    try {
      // Only what is on screen: a password answer is stored as {masked: true}, never its value,
      // and the draft is never taken from the password field.
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(snapshot));
    } catch (error) {
      // Full or disabled storage: the conversation still works, it just won't survive a reload.
    }
  }
  function disableOldChoices() {
    state.history.forEach(function (entry) {
      if (entry.buttons && !entry.used) {
        entry.used = true;
        if (entry.group) {
          setButtonsDisabled(entry.group, true);
        }
      }
    });
  }

  var typing = el("div", "aw-typing");
  typing.setAttribute("role", "status");
  typing.appendChild(el("span", "aw-visually-hidden", T.typing));
  for (var dot = 0; dot < 3; dot++) {
    typing.appendChild(el("span", "aw-typing__dot")).setAttribute("aria-hidden", "true");
  }

  function showTyping(on) {
    if (on) {
      log.appendChild(typing);
      scrollToEnd();
    } else if (typing.parentNode) {
      typing.parentNode.removeChild(typing);
    }
  }

  // --- Input modes --------------------------------------------------------------------------

  function setPasswordMode(on) {
    state.awaitingPassword = on;
    if (on) {
      if (input.type !== "password") {
        state.draft = input.value;
        input.value = "";
      }
      input.type = "password";
      input.autocomplete = "new-password";
      input.placeholder = T.passwordPlaceholder;
      label.textContent = T.password;
      hint.textContent = T.passwordHint;
      hint.hidden = false;
      leavePassword.hidden = false;
      form.classList.add("aw-form--password");
    } else {
      if (input.type === "password") {
        input.value = state.draft || "";
      }
      input.type = "text";
      input.autocomplete = "off";
      input.placeholder = T.placeholder;
      label.textContent = T.input;
      hint.textContent = "";
      hint.hidden = true;
      leavePassword.hidden = true;
      form.classList.remove("aw-form--password");
    }
  }

  // --- Talking to the assistant -------------------------------------------------------------

  var busy = false;
  var failed = null; // the message to send again with Retry

  function showUnavailable(message) {
    status.textContent = "";
    status.hidden = false;
    status.setAttribute("role", "alert");
    status.appendChild(el("p", "aw-status__text", T.unavailable));
    status.appendChild(el("p", "aw-status__hint", T.unavailableHint));
    var retry = el("button", "aw-retry", T.retry);
    retry.type = "button";
    retry.addEventListener("click", function () {
      send(message);
    });
    status.appendChild(retry);
    failed = message;
  }

  var retryTimer = null;

  function showSlowDown(message, text, seconds) {
    // HTTP 429: the server's short answer (in the conversation's language), then a new try
    // after the delay it gave; a long wait gets a Retry button instead.
    status.textContent = "";
    status.hidden = false;
    status.setAttribute("role", "status");
    status.appendChild(el("p", "aw-status__text", text || T.slowDown));
    failed = message;
    if (seconds > 0 && seconds <= AUTO_RETRY_MAX_SECONDS) {
      retryTimer = window.setTimeout(function () {
        retryTimer = null;
        if (failed === message && !busy) {
          send(message);
        }
      }, seconds * 1000);
      return;
    }
    var retry = el("button", "aw-retry", T.retry);
    retry.type = "button";
    retry.addEventListener("click", function () {
      send(message);
    });
    status.appendChild(retry);
  }

  function clearStatus() {
    status.hidden = true;
    status.textContent = "";
    status.removeAttribute("role");
    failed = null;
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
  }

  function setBusy(on) {
    busy = on;
    input.readOnly = on; // keeps the text visible and focusable while waiting
    sendButton.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  function slowedDown(response) {
    // The 429's body: {message, retry_after}; its Retry-After header says the same.
    return response
      .json()
      .catch(function () {
        return {};
      })
      .then(function (body) {
        var error = new Error("HTTP 429");
        var seconds = Number(response.headers.get("Retry-After") || (body && body.retry_after));
        error.retryAfter = isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 5;
        error.text = body && typeof body.message === "string" ? body.message : "";
        throw error;
      });
  }

  function post(endpoint, body) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = window.setTimeout(function () {
      if (controller) {
        controller.abort();
      }
    }, TIMEOUT_MS);
    return window
      .fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        // The chat session is an HttpOnly cookie of this origin: the browser sends it.
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
      .then(function (response) {
        if (response.status === 429) {
          return slowedDown(response);
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .finally(function () {
        window.clearTimeout(timer);
      });
  }

  function metadata() {
    return { language: LANGUAGE, invitation_code: INVITATION_CODE };
  }

  function talk(text) {
    // language: the conversation's, for the words of a 429 (metadata.language stays the page's,
    // part of the conversation's key).
    var body = { message: text, metadata: metadata(), thread: state.id, language: state.conversationLanguage || LANGUAGE };
    return post(ENDPOINT, body).then(
      function (answers) {
        if (!Array.isArray(answers)) {
          throw new Error("unexpected answer");
        }
        return answers;
      }
    );
  }

  function checkPassword(message) {
    // The masked field's answer goes to the web app, never to the assistant.
    return post(PASSWORD_ENDPOINT, {
      password: message.payload,
      metadata: metadata(),
      thread: state.id,
      language: state.conversationLanguage || LANGUAGE,
    }).then(function (result) {
      if (!result || typeof result !== "object" || typeof result.accepted !== "boolean") {
        throw new Error("unexpected answer");
      }
      // From here on the password is not needed: a retry sends the marker, or nothing.
      message.checked = true;
      if (result.accepted) {
        message.payload = PASSWORD_GIVEN;
        return talk(PASSWORD_GIVEN);
      }
      message.payload = "";
      // The unmet rules, in the assistant's words; the password question stays open.
      return [{ text: String(result.message || ""), custom: { input: "password", language: state.conversationLanguage } }];
    });
  }

  /*
   * message: {payload: what Rasa receives, shown: the user's bubble text (absent: no bubble),
   *           masked: a password, fromInput: typed in the input (cleared only on success),
   *           fromButtons: the bot message whose choice was clicked (enabled again on failure),
   *           checked: the password endpoint has answered (a retry sends only the marker)}
   */
  function send(message) {
    if (busy) {
      return;
    }
    clearStatus();
    setBusy(true);
    showTyping(true);
    var viaPasswordCheck = message.masked && PASSWORD_ENDPOINT && !message.checked;
    (viaPasswordCheck ? checkPassword(message) : talk(message.payload))
      .then(function (answers) {
        showTyping(false);
        setBusy(false);
        disableOldChoices();
        if (message.masked) {
          addEntry({ from: "user", masked: true });
        } else if (message.shown) {
          addEntry({ from: "user", text: message.shown });
        }
        if (message.fromInput) {
          input.value = "";
          state.draft = "";
          showTooLong(false);
        }
        message.payload = ""; // a password does not stay in memory once delivered
        var asksPassword = false;
        answers.forEach(function (answer) {
          if (!answer || typeof answer !== "object") {
            return;
          }
          var custom = answer.custom;
          if (custom && typeof custom === "object") {
            // The conversation's language, said with the password question and a switch.
            if (custom.language === "fr" || custom.language === "en") {
              state.conversationLanguage = custom.language;
            }
            asksPassword = asksPassword || custom.input === "password";
          }
          var text = typeof answer.text === "string" ? answer.text : "";
          var buttons = Array.isArray(answer.buttons)
            ? answer.buttons
                .filter(function (b) {
                  return b && typeof b.payload === "string";
                })
                .map(function (b) {
                  return { title: String(b.title || b.payload), payload: b.payload };
                })
            : null;
          if (text || (buttons && buttons.length)) {
            addEntry({ from: "bot", text: text, buttons: buttons && buttons.length ? buttons : undefined });
          }
        });
        setPasswordMode(asksPassword);
        persist();
        scrollToEnd();
        input.focus();
      })
      .catch(function (error) {
        showTyping(false);
        setBusy(false);
        // Nothing is lost: the typed text stays in the input, the choices can be clicked again.
        var choices = message.fromButtons;
        if (choices) {
          choices.used = false;
          if (choices.group) {
            setButtonsDisabled(choices.group, false);
          }
        }
        if (error && error.retryAfter) {
          showSlowDown(message, error.text, error.retryAfter);
        } else {
          showUnavailable(message);
        }
        scrollToEnd();
      });
  }

  function submitInput() {
    var value = input.value;
    if (busy || !value.trim()) {
      input.focus();
      return;
    }
    if (state.awaitingPassword) {
      send({ payload: value, masked: true, fromInput: true });
    } else {
      send({ payload: value.trim(), shown: value.trim(), fromInput: true });
    }
  }

  leavePassword.addEventListener("click", function () {
    setPasswordMode(false);
    persist();
    input.focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitInput();
  });

  input.addEventListener("input", function () {
    if (!state.awaitingPassword) {
      state.draft = input.value;
      persist();
      showTooLong(input.value.length >= MAX_MESSAGE_CHARS);
    }
  });

  function showTooLong(on) {
    // A paste longer than the field takes is cut by the browser without a word: say so.
    if (on) {
      hint.textContent = T.tooLong;
      hint.hidden = false;
    } else if (hint.textContent === T.tooLong) {
      hint.textContent = "";
      hint.hidden = true;
    }
  }

  // --- Opening and closing ------------------------------------------------------------------

  function open() {
    panel.hidden = false;
    root.classList.add("aw-root--open");
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    persist();
    scrollToEnd();
    input.focus();
    if (!state.history.length && !busy && !failed) {
      start();
    }
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("aw-root--open");
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    persist();
    launcher.focus();
  }

  function start() {
    // With the invitation link's code the supplier came to register: start right away (the
    // code itself travels as session metadata and is not asked). Otherwise a greeting, which
    // the assistant answers with what it can do.
    send({ payload: INVITATION_CODE ? "/start_registration" : "/greet" });
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      open();
    } else {
      close();
    }
  });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      close();
    }
  });

  // --- Restoring the tab's conversation -----------------------------------------------------

  state.history.forEach(function (entry, index) {
    renderEntry(entry, index);
  });
  setPasswordMode(state.awaitingPassword);
  if (!state.awaitingPassword) {
    input.value = state.draft || "";
  }
  if (state.open || (INVITATION_CODE && !state.history.length)) {
    open();
  }
})();
