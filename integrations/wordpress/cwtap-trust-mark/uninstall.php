<?php
// Removes the plugin's option when the plugin is deleted.
if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}
delete_option('cwtap_trust_mark');
