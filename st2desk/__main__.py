from st2desk.cli import main

raise SystemExit(main())
