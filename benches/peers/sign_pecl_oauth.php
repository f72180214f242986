<?php
// Signs the request set (the tab-separated file run.sh writes: method, URL,
// body, consumer key and secret, token and its secret, nonce, timestamp)
// with the PECL oauth extension (HMAC-SHA1), writes one decoded
// oauth_signature per line to OUT and prints {"signer", "version",
// "requests", "seconds"} for the best pass of the signing loop (at least 3
// passes and 2 seconds of signing, the same rule for every signer).
[, $src, $out] = $argv;
$requests = [];
foreach (file($src, FILE_IGNORE_NEW_LINES) as $line) {
    $requests[] = explode("\t", $line);
}

// The form body as the array the extension takes (decoded names and
// values, as PHP itself decodes a form body; a repeated name keeps its last
// value, as in $_POST).
function form_array(string $body): array {
    $data = [];
    if ($body === '') return $data;
    foreach (explode('&', $body) as $pair) {
        $kv = explode('=', $pair, 2);
        $data[urldecode($kv[0])] = urldecode($kv[1] ?? '');
    }
    return $data;
}

function sign_all(array $requests): array {
    $signatures = [];
    foreach ($requests as [$method, $url, $body, $ck, $cs, $token, $ts, $nonce, $timestamp]) {
        $o = new OAuth($ck, $cs, OAUTH_SIG_METHOD_HMACSHA1, OAUTH_AUTH_TYPE_AUTHORIZATION);
        if ($token !== '') $o->setToken($token, $ts);
        $o->setNonce($nonce);
        $o->setTimestamp($timestamp);
        $o->setVersion('1.0');
        $signatures[] = $o->generateSignature($method, $url, form_array($body));
    }
    return $signatures;
}

$best = INF; $total = 0.0;
for ($pass = 0; $pass < 3 || $total < 2.0; $pass++) {
    $start = hrtime(true);
    $signatures = sign_all($requests);
    $seconds = (hrtime(true) - $start) / 1e9;
    $best = min($best, $seconds);
    $total += $seconds;
}
file_put_contents($out, implode('', array_map(fn ($s) => "$s\n", $signatures)));
echo json_encode(['signer' => 'PECL oauth', 'version' => phpversion('OAuth') . ' (PHP ' . PHP_VERSION . ')',
    'requests' => count($requests), 'seconds' => $best]), "\n";
