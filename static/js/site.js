// Next Season: progressive enhancement only; every feature works without this file.

// Voting without a reload. Forms marked data-vote POST as usual; here the same POST goes
// through fetch and the buttons update in place. Anything unexpected (rate limit, signed
// out, server error, non-JSON) falls back to the plain form submission.
const DIRECTIONS = { "vote-up": 1, "vote-down": -1 };

function buttonsOf(form) {
  return Array.from(form.querySelectorAll("button[name]"));
}

function render(form, data) {
  const score = form.querySelector(".vote-score");
  if (score) score.textContent = String(data.score);
  for (const button of buttonsOf(form)) {
    const key = Object.keys(DIRECTIONS).find((name) => button.classList.contains(name));
    if (!key) continue;
    const pressed = data.my_vote === DIRECTIONS[key];
    button.setAttribute("aria-pressed", String(pressed));
    button.value = pressed ? "0" : String(DIRECTIONS[key]);
  }
}

function submitPlainly(form, submitter) {
  // form.submit() skips the submitter's name/value, so carry it in a hidden field.
  form.querySelector("input[data-vote-value]")?.remove();
  if (submitter?.name) {
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = submitter.name;
    field.value = submitter.value;
    field.dataset.voteValue = "";
    form.append(field);
  }
  form.submit();
}

async function vote(form, submitter) {
  const body = new FormData(form);
  if (submitter?.name) body.set(submitter.name, submitter.value);
  const buttons = buttonsOf(form);
  const hadFocus = document.activeElement;
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute("aria-busy", "true");
  let data = null;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    });
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.includes("application/json")) {
      const json = await response.json();
      if (Number.isInteger(json?.score) && [1, -1, 0].includes(json.my_vote)) data = json;
    }
  } catch {
    data = null;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute("aria-busy");
    // Disabling a focused button drops focus; give it back for keyboard users.
    if (buttons.includes(hadFocus)) hadFocus.focus();
  }
  if (data) render(form, data);
  else submitPlainly(form, submitter);
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-vote")) return;
  event.preventDefault();
  if (form.hasAttribute("aria-busy")) return;
  vote(form, event.submitter);
});

// @mention suggestions under a comment box marked data-mentions (its value: where to
// ask), as a list box: arrows move, Enter or Tab picks, Escape closes; typing goes on
// as usual. Without this file a fan types the whole @name, which links all the same.
const MENTION_BEFORE_CARET = /(?:^|[^\w@.+-])@([\w.@+-]{1,30})$/;

function mentionBox(area) {
  const list = document.createElement("ul");
  list.id = `${area.id}-mentions`;
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  area.after(list);
  // A textarea keeps its own role: it takes the list's aria-* that a text box allows.
  area.setAttribute("aria-autocomplete", "list");
  area.setAttribute("aria-controls", list.id);
  let asked = 0;
  let active = -1;

  const options = () => Array.from(list.children);
  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    area.removeAttribute("aria-activedescendant");
  };
  const highlight = (index) => {
    options().forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) area.setAttribute("aria-activedescendant", options()[index].id);
  };
  const pick = (username) => {
    const caret = area.selectionStart;
    const before = area.value.slice(0, caret).replace(/@[\w.+-]*$/, `@${username} `);
    area.value = before + area.value.slice(caret);
    area.setSelectionRange(before.length, before.length);
    close();
    area.focus();
  };

  area.addEventListener("input", async () => {
    const typed = area.value.slice(0, area.selectionStart).match(MENTION_BEFORE_CARET);
    if (!typed) return close();
    const mine = ++asked;
    let fans = [];
    try {
      const url = `${area.dataset.mentions}?q=${encodeURIComponent(typed[1])}`;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) fans = (await response.json()).fans || [];
    } catch {
      fans = [];
    }
    if (mine !== asked) return; // a later keystroke asked again
    if (!fans.length) return close();
    list.replaceChildren(...fans.map((fan, i) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${i}`;
      option.setAttribute("role", "option");
      option.textContent = `@${fan.username} · ${fan.name}`;
      option.addEventListener("mousedown", (event) => { event.preventDefault(); pick(fan.username); });
      option.dataset.username = fan.username;
      return option;
    }));
    list.hidden = false;
    highlight(0);
  });
  area.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    const count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight((active + (event.key === "ArrowDown" ? 1 : count - 1)) % count);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      pick(options()[active].dataset.username);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  area.addEventListener("blur", () => setTimeout(close, 150));
}

document.querySelectorAll("textarea[data-mentions]").forEach(mentionBox);

// Countdowns ({% countdown %}): the server's steps, in the page's language.
document.querySelectorAll("time[data-countdown]").forEach((time) => {
  const say = new Intl.RelativeTimeFormat(document.documentElement.lang);
  setInterval(() => {
    const m = (Date.parse(time.dateTime) - Date.now()) / 6e4;
    if (m <= 0) return time.parentNode.remove();
    time.textContent = m > 2880 ? say.format(Math.ceil(m / 1440), "day")
      : m > 120 ? say.format(Math.ceil(m / 60), "hour") : say.format(Math.ceil(m), "minute");
  }, 6e4);
});
