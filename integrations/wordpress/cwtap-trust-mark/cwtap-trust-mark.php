<?php
/**
 * Plugin Name: CW-TAP Trust Mark
 * Description: Shows the CW-TAP green trust mark of your site (the cwtap JavaScript SDK).
 * Version: 1.0.0
 * Requires at least: 5.7
 * Requires PHP: 7.4
 * License: Apache-2.0
 * Text Domain: cwtap-trust-mark
 */

if (!defined('ABSPATH')) {
    exit;
}

const CWTAP_OPTION = 'cwtap_trust_mark';

/** The saved settings, with defaults. */
function cwtap_settings()
{
    $o = get_option(CWTAP_OPTION, array());
    return array(
        'site_id' => isset($o['site_id']) ? (string) $o['site_id'] : '',
        'server'  => isset($o['server']) && $o['server'] !== '' ? (string) $o['server'] : 'https://trust.cwtap.org',
    );
}

/** Site ids are what the dashboard shows: letters, digits, '-' and '_'. */
function cwtap_sanitize($in)
{
    $site = isset($in['site_id']) ? preg_replace('/[^A-Za-z0-9_-]/', '', (string) $in['site_id']) : '';
    $server = isset($in['server']) ? esc_url_raw(trim((string) $in['server']), array('https')) : '';
    return array('site_id' => substr($site, 0, 64), 'server' => rtrim($server, '/'));
}

function cwtap_admin_init()
{
    register_setting('cwtap', CWTAP_OPTION, array('sanitize_callback' => 'cwtap_sanitize'));
}

function cwtap_admin_menu()
{
    add_options_page('CW-TAP Trust Mark', 'CW-TAP Trust Mark', 'manage_options', 'cwtap', 'cwtap_settings_page');
}

function cwtap_settings_page()
{
    if (!current_user_can('manage_options')) {
        return;
    }
    $s = cwtap_settings();
    echo '<div class="wrap"><h1>CW-TAP Trust Mark</h1><form method="post" action="options.php">';
    settings_fields('cwtap');
    echo '<table class="form-table"><tr><th><label for="cwtap_site">Site ID</label></th><td>';
    echo '<input id="cwtap_site" name="' . esc_attr(CWTAP_OPTION) . '[site_id]" value="' . esc_attr($s['site_id']) . '" class="regular-text">';
    echo '<p class="description">The site ID shown in your CW-TAP dashboard.</p></td></tr>';
    echo '<tr><th><label for="cwtap_server">Trust server</label></th><td>';
    echo '<input id="cwtap_server" name="' . esc_attr(CWTAP_OPTION) . '[server]" value="' . esc_attr($s['server']) . '" class="regular-text">';
    echo '</td></tr></table>';
    submit_button();
    echo '</form></div>';
}

/** Enqueues the SDK with the site id, async, on every front-end page. */
function cwtap_enqueue()
{
    $s = cwtap_settings();
    if ($s['site_id'] === '') {
        return;
    }
    wp_enqueue_script('cwtap-sdk', $s['server'] . '/sdk/v1/cwtap.js', array(), null, array('strategy' => 'async', 'in_footer' => true));
}

/** Adds data-site (and async for WordPress older than 6.3) to our script tag only. */
function cwtap_script_tag($tag, $handle)
{
    if ($handle !== 'cwtap-sdk') {
        return $tag;
    }
    $s = cwtap_settings();
    $attrs = ' data-site="' . esc_attr($s['site_id']) . '"';
    if (strpos($tag, ' async') === false) {
        $attrs .= ' async';
    }
    return str_replace(' src=', $attrs . ' src=', $tag);
}

add_action('admin_init', 'cwtap_admin_init');
add_action('admin_menu', 'cwtap_admin_menu');
add_action('wp_enqueue_scripts', 'cwtap_enqueue');
add_filter('script_loader_tag', 'cwtap_script_tag', 10, 2);
