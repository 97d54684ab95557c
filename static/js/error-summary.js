// RGAA 11.10: after a failed submission, focus moves to the summary of the errors.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
