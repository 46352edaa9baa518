// amend: small enhancements; every page works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // On redlines, a switch that hides the items without changes.
  var doc = document.querySelector("article.redline");
  if (doc) {
    var label = document.createElement("label");
    label.className = "changes-toggle";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.addEventListener("change", function () {
      doc.classList.toggle("only-changes", box.checked);
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" Show only items with changes"));
    doc.parentNode.insertBefore(label, doc);
  }
});
