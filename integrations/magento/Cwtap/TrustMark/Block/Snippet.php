<?php
namespace Cwtap\TrustMark\Block;

use Magento\Framework\App\Config\ScopeConfigInterface;
use Magento\Framework\View\Element\Template;
use Magento\Store\Model\ScopeInterface;

/** Supplies the site id and server URL to the snippet template. */
class Snippet extends Template
{
    private ScopeConfigInterface $config;

    public function __construct(Template\Context $context, array $data = [])
    {
        parent::__construct($context, $data);
        $this->config = $context->getScopeConfig();
    }

    public function getSiteId(): string
    {
        $v = (string) $this->config->getValue('cwtap/general/site_id', ScopeInterface::SCOPE_STORE);
        return preg_replace('/[^A-Za-z0-9_-]/', '', $v);
    }

    public function getServer(): string
    {
        $v = (string) $this->config->getValue('cwtap/general/server', ScopeInterface::SCOPE_STORE);
        return rtrim($v !== '' ? $v : 'https://trust.cwtap.org', '/');
    }
}
