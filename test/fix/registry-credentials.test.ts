// The redacted view of containerd's config.toml the credentials plan shows: no form of a
// credential value survives it, and the guided diff takes out exactly the auth tables.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {redactCredentials, withoutAuthTables} from '../../src/fix/host/registry-credentials.js';

const CONFIG = `version = 2
[metrics]
  address = "0.0.0.0:1338"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".registry.configs."contoso.azurecr.io".auth]
    username = "puller"
    password = "SECRET-1"
  [plugins."io.containerd.grpc.v1.cri".registry.configs."b.io"]
    auth = { username = "u", password = "SECRET-2" }
  [plugins."io.containerd.grpc.v1.cri".registry.configs."c.io".tls]
    insecure_skip_verify = false
  [plugins."io.containerd.grpc.v1.cri".registry.configs.'d.io'.auth]
    identitytoken = """SECRET-3
SECRET-4"""
    auth = 'SECRET-5'
  [plugins."io.containerd.grpc.v1.cri".registry]
    configs."e.io".auth.password = "SECRET-6\\"quoted"
`;

test('every credential value is redacted: table keys, inline tables, dotted keys, literal and multi-line strings', () => {
	const shown = redactCredentials(CONFIG);
	assert.doesNotMatch(shown, /SECRET/);
	assert.match(shown, /^ {4}password = "<redacted>"$/m);
	assert.match(shown, /^ {4}auth = \{ username = "<redacted>", password = "<redacted>" \}$/m);
	assert.match(shown, /^ {4}configs\."e\.io"\.auth\.password = "<redacted>"$/m);
	assert.match(shown, /insecure_skip_verify = false/, 'everything else is shown as it is');
});

test('the guided after-state has no auth table or auth key left, and keeps the rest and the final newline', () => {
	const after = withoutAuthTables(redactCredentials(CONFIG));
	assert.doesNotMatch(after, /\.auth\]|auth = |\.auth\.|username|password|identitytoken/);
	assert.match(after, /\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."c\.io"\.tls\]\n {4}insecure_skip_verify = false/);
	assert.match(after, /address = "0\.0\.0\.0:1338"/);
	assert.ok(after.endsWith('\n'));
});
