// Shows "n / limit characters" under each textarea that has a limit; the server checks it anyway.
document.querySelectorAll("textarea[data-max-chars]").forEach((area) => {
  const limit = Number(area.dataset.maxChars);
  const counter = document.createElement("p");
  counter.className = "char-count";
  counter.setAttribute("aria-live", "polite");
  area.insertAdjacentElement("afterend", counter);
  const template = document.documentElement.lang === "fr" ? "{n} / {limit} caractères" : "{n} / {limit} characters";
  const update = () => {
    counter.textContent = template.replace("{n}", area.value.length).replace("{limit}", limit);
    counter.classList.toggle("over", area.value.length > limit);
  };
  area.addEventListener("input", update);
  update();
});
