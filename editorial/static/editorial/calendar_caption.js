// The admin's calendar captions a month "12月 2030", month first as in English;
// Japanese writes the year first, "2030年12月". The month and weekday names
// themselves come translated from the JavaScript catalog.
"use strict";
(function () {
  const draw = window.CalendarNamespace.draw;
  window.CalendarNamespace.draw = function (month, year, divId, callback, selected) {
    draw.call(this, month, year, divId, callback, selected);
    const caption = document.querySelector("#" + divId + " caption");
    if (caption) {
      caption.textContent = parseInt(year, 10) + "年" + parseInt(month, 10) + "月";
    }
  };
})();
