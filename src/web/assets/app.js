// SPDX-License-Identifier: MIT
// portlens web: the only script. Everything works without it except live refresh:
// an element with data-refresh="SECONDS" and an id is re-fetched from the same URL
// (same server, same escaping) and swapped in place. No innerHTML, no external requests.
'use strict';
(function () {
	var nodes = document.querySelectorAll('[data-refresh][id]');
	var busy = false;

	function refresh() {
		if (busy || document.hidden)
			return;
		busy = true;
		fetch(location.href, { credentials: 'same-origin', headers: { 'X-Refresh': '1' } })
			.then(function (r) {
				if (!r.ok)
					throw new Error(r.status);
				return r.text();
			})
			.then(function (text) {
				var doc = new DOMParser().parseFromString(text, 'text/html');
				nodes.forEach(function (old) {
					var fresh = doc.getElementById(old.id);
					var cur = document.getElementById(old.id);
					if (fresh && cur)
						cur.replaceWith(document.importNode(fresh, true));
				});
				var stamp = document.getElementById('refreshed');
				if (stamp)
					stamp.textContent = new Date().toLocaleTimeString();
			})
			.catch(function () {})
			.finally(function () { busy = false; });
	}

	if (nodes.length) {
		var secs = parseInt(nodes[0].getAttribute('data-refresh'), 10);
		if (!(secs >= 1 && secs <= 3600))
			secs = 5;
		setInterval(refresh, secs * 1000);
	}
})();
