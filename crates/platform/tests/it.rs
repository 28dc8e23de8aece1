use greenlight_platform as _;
