// MQTT topic filters (MQTT 3.1.1 section 4.7): does a filter match a topic, and does one filter cover
// every topic another could match. Pure; the ACL and its tests lean on it.

/** True when `topic` (no wildcards) matches `filter`. `#` also matches the parent level (4.7.1.2). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // Topics starting with $ are not matched by a filter starting with a wildcard (4.7.2).
  if (topic.startsWith('$') && (f[0] === '#' || f[0] === '+')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when every topic that `inner` can match is also matched by `outer`. */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const n = inner.split('/');
  // A wildcard first level never reaches $ topics, so it cannot cover a filter naming one.
  if (inner.startsWith('$') && (o[0] === '#' || o[0] === '+')) return false;
  for (let i = 0; i < o.length; i++) {
    const level = o[i];
    if (level === '#') return i === o.length - 1;
    if (i >= n.length) return false;
    const inn = n[i];
    if (inn === '#') return false;
    if (level === '+') continue;
    if (inn === '+' || inn !== level) return false;
  }
  return o.length === n.length;
}

/** A filter a client may send: `#` only last and alone in its level, `+` alone in its level. */
export function validFilter(filter: string): boolean {
  if (filter.length === 0 || filter.length > 65535) return false;
  const levels = filter.split('/');
  return levels.every((l, i) => (l.includes('#') ? l === '#' && i === levels.length - 1 : !l.includes('+') || l === '+'));
}

/** `$share/<group>/<filter>` (MQTT 5, honoured by Mosquitto for 3.1.1 clients) to its group and filter. */
export function splitShared(filter: string): { group?: string; filter: string } {
  const m = /^\$share\/([^/+#]+)\/(.+)$/.exec(filter);
  return m ? { group: m[1]!, filter: m[2]! } : { filter };
}
