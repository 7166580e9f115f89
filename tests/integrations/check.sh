#!/bin/sh
# Checks the CMS integrations: the WordPress plugin's behaviour (php-cli), PHP syntax of every
# PHP file, well-formed Magento XML, the Shopify block's schema JSON, and that every
# integration places the same SDK URL and data-site attribute the dashboard documents.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fail=0
php tests/integrations/test_wordpress.php || fail=1
for f in $(find integrations -name '*.php' -o -name '*.phtml'); do
    php -l "$f" >/dev/null || { echo "FAIL: php syntax $f"; fail=1; }
done
for f in $(find integrations/magento -name '*.xml'); do
    xmllint --noout "$f" || { echo "FAIL: xml $f"; fail=1; }
done
schema=$(sed -n '/{% schema %}/,/{% endschema %}/p' integrations/shopify/extensions/cwtap-trust-mark/blocks/trust-mark.liquid | sed '1d;$d')
echo "$schema" | php -r 'json_decode(stream_get_contents(STDIN), false, 16, JSON_THROW_ON_ERROR);' ||
    { echo "FAIL: shopify schema json"; fail=1; }
for f in integrations/shopify/extensions/cwtap-trust-mark/blocks/trust-mark.liquid \
         integrations/magento/Cwtap/TrustMark/view/frontend/templates/snippet.phtml \
         integrations/wordpress/cwtap-trust-mark/cwtap-trust-mark.php; do
    grep -q '/sdk/v1/cwtap.js' "$f" || { echo "FAIL: $f does not load /sdk/v1/cwtap.js"; fail=1; }
    grep -q 'data-site' "$f" || { echo "FAIL: $f has no data-site"; fail=1; }
done
# The Magento admin validates the Site ID field in the browser (lib/web/mage/validation.js): the
# rule named in system.xml must accept the ids the server gives (prefix, '_', base32 lower case).
rule=$(sed -n 's/.*<validate>\(.*\)<\/validate>.*/\1/p' integrations/magento/Cwtap/TrustMark/etc/adminhtml/system.xml)
case "$rule" in
    validate-code) re='^[a-zA-Z]+[a-zA-Z0-9_]+$' ;;
    validate-alphanum-with-spaces) re='^[a-zA-Z0-9 ]+$' ;;
    *) re=''; echo "FAIL: magento Site ID rule '$rule' is not one this check knows"; fail=1 ;;
esac
for id in site_ningbo s_hy4okyniof22ghhbh6at; do
    [ -n "$re" ] && ! echo "$id" | grep -Eq "$re" && { echo "FAIL: magento rule $rule refuses site id $id"; fail=1; }
done
size=$(gzip -9 -c web/sdk/cwtap.js | wc -c)
echo "sdk: $size bytes gzipped (budget 4096)"
[ "$size" -le 4096 ] || { echo "FAIL: SDK over its size budget"; fail=1; }
sri="sha384-$(openssl dgst -sha384 -binary web/sdk/cwtap.js | base64 -w0)"
grep -q "^$sri  sdk/v1/cwtap.js" web/sdk/SRI.txt || { echo "FAIL: web/sdk/SRI.txt is stale: run scripts/sri.sh"; fail=1; }
# The fallback stylesheet (browsers without constructable stylesheets) is the SDK's CSS string, rule for rule.
php -r '
    preg_match("/var CSS = (.*?);\n/s", file_get_contents("web/sdk/cwtap.js"), $m) || exit(1);
    preg_match_all("/\"((?:[^\"\\\\]|\\\\.)*)\"/", $m[1], $parts);
    $js = implode("", $parts[1]);
    $css = str_replace("\n", "", preg_replace("#/\*.*?\*/#s", "", file_get_contents("web/sdk/cwtap.css")));
    exit($js === $css ? 0 : 1);' || { echo "FAIL: web/sdk/cwtap.css differs from the CSS string in cwtap.js"; fail=1; }
grep -q 'eval(' web/sdk/cwtap.js && { echo "FAIL: SDK uses eval"; fail=1; }
grep -Eq 'document\.cookie|localStorage|sessionStorage|indexedDB' web/sdk/cwtap.js &&
    { echo "FAIL: SDK touches cookies or storage"; fail=1; }
[ $fail -eq 0 ] && echo "integrations: 1 passed, 0 failed" || echo "integrations: 0 passed, 1 failed"
exit $fail
