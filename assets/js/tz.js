// Tells the server the reader's time zone (a `tz` cookie, read on the next page), so that
// times are shown in it; without JavaScript they are shown in the language's usual zone, named.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    var current = document.cookie.match(/(?:^|; )tz=([^;]*)/);
    if (current && decodeURIComponent(current[1]) === zone) return;
    document.cookie = 'tz=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
  } catch (e) {
    // No Intl or cookies disabled: the language's zone is used.
  }
})();
