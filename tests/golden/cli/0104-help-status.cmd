help status
