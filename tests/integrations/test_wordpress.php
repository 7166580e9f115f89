<?php
// Tests the WordPress plugin with php-cli against stand-ins for the WordPress functions it calls:
// settings are sanitised, the SDK is enqueued async with data-site, other scripts are untouched,
// nothing is enqueued without a site id, and uninstall removes the option.
define('ABSPATH', '/tmp/');
$options = array();
$hooks = array();
$enqueued = array();
function get_option($k, $d = false) { global $options; return array_key_exists($k, $options) ? $options[$k] : $d; }
function delete_option($k) { global $options; unset($options[$k]); return true; }
function add_action($h, $f) { global $hooks; $hooks[$h][] = $f; }
function add_filter($h, $f) { global $hooks; $hooks[$h][] = $f; }
function register_setting() {}
function add_options_page() {}
function esc_attr($s) { return htmlspecialchars((string) $s, ENT_QUOTES); }
function esc_url_raw($u, $p = null) { return preg_match('#^https://[A-Za-z0-9.:-]+(/.*)?$#', $u) ? $u : ''; }
function wp_enqueue_script($h, $src, $deps, $ver, $args) { global $enqueued; $enqueued[$h] = array($src, $args); }
$fail = 0; $pass = 0;
function check($cond, $what) { global $fail, $pass; if ($cond) { $pass++; } else { $fail++; fwrite(STDERR, "FAIL: $what\n"); } }

require __DIR__ . '/../../integrations/wordpress/cwtap-trust-mark/cwtap-trust-mark.php';

check(count($hooks['wp_enqueue_scripts']) === 1, 'hooks wp_enqueue_scripts');
cwtap_enqueue();
check(count($enqueued) === 0, 'nothing enqueued without a site id');

$clean = cwtap_sanitize(array('site_id' => 'ningbo-valves"><script>', 'server' => 'https://trust.example.org/'));
check($clean['site_id'] === 'ningbo-valvesscript', 'site id sanitised: ' . $clean['site_id']);
check($clean['server'] === 'https://trust.example.org', 'server sanitised: ' . $clean['server']);
check(cwtap_sanitize(array('server' => 'javascript:alert(1)'))['server'] === '', 'non-https server refused');

$options['cwtap_trust_mark'] = $clean;
cwtap_enqueue();
check(isset($enqueued['cwtap-sdk']), 'sdk enqueued');
check($enqueued['cwtap-sdk'][0] === 'https://trust.example.org/sdk/v1/cwtap.js', 'sdk url');
check($enqueued['cwtap-sdk'][1]['strategy'] === 'async', 'async strategy');

$tag = "<script src='https://trust.example.org/sdk/v1/cwtap.js' id='cwtap-sdk-js'></script>";
$out = cwtap_script_tag($tag, 'cwtap-sdk');
check(strpos($out, 'data-site="ningbo-valvesscript"') !== false, 'data-site added: ' . $out);
check(strpos($out, ' async') !== false, 'async added');
check(cwtap_script_tag('<script src=x></script>', 'jquery') === '<script src=x></script>', 'other scripts untouched');

define('WP_UNINSTALL_PLUGIN', true);
require __DIR__ . '/../../integrations/wordpress/cwtap-trust-mark/uninstall.php';
check(!isset($options['cwtap_trust_mark']), 'uninstall removes the option');

echo "$pass passed, $fail failed\n";
exit($fail ? 1 : 0);
