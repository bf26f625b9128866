from .cli import main

if __name__ == "__main__":  # a spawned worker process (report --workers) imports this module again
    main()
