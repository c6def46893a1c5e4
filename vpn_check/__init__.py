"""VPN, network and device health checks. Qt-free; never imports sip/."""
