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
