from tracker._start import main  # first: Ctrl-C handled from here on

main()
